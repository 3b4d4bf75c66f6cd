import { toIsoTimestamp, type IsoDates } from '#common';
import type { CampaignCounts, CampaignRow } from '../campaigns.repository.js';

export function toCampaignView(r: CampaignRow | IsoDates<CampaignRow>) {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel,
    templateId: r.template_id,
    templateKey: r.template_key,
    templateVersion: r.template_version,
    category: r.category,
    data: r.data,
    audience: r.audience,
    schedule: r.schedule,
    maxPerMinute: r.max_per_minute,
    status: r.status,
    expanded: r.expanded,
    targeted: r.targeted,
    createdAt: toIsoTimestamp(r.created_at)!,
    updatedAt: toIsoTimestamp(r.updated_at)!,
    launchedAt: toIsoTimestamp(r.launched_at),
    completedAt: toIsoTimestamp(r.completed_at),
    cancelledAt: toIsoTimestamp(r.cancelled_at),
  };
}

export function toStatsView(r: CampaignRow, counts: CampaignCounts) {
  return { campaignId: r.id, status: r.status, expanded: r.expanded, ...counts };
}
