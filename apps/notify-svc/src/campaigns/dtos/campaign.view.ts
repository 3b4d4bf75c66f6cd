import type { CampaignCounts, CampaignRow } from '../campaigns.repository.js';

export function toCampaignView(r: CampaignRow) {
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
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    launchedAt: r.launched_at,
    completedAt: r.completed_at,
    cancelledAt: r.cancelled_at,
  };
}

export function toStatsView(r: CampaignRow, counts: CampaignCounts) {
  return { campaignId: r.id, status: r.status, expanded: r.expanded, ...counts };
}
