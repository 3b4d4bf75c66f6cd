import { AppException, isUuid } from '#common';
import { parseAudienceFilter } from '../contacts/audience.js';
import { fieldError, normaliseTimezone } from '../contacts/contact-fields.js';
import type { CampaignAudience, CampaignSchedule, CampaignValues } from './campaigns.repository.js';
import type { CampaignScheduleDto, CreateCampaignDto } from './dtos/campaign.dto.js';

const MAX_GROUPS = 20;

/** A new campaign's columns from the request (400 unless exactly one of templateId, templateKey). */
export function newCampaignValues(dto: CreateCampaignDto, audience: CampaignAudience): CampaignValues {
  if ((dto.templateId === undefined) === (dto.templateKey === undefined)) throw templateSource();
  return {
    name: dto.name.trim(),
    channel: dto.channel,
    template_id: dto.templateId ?? null,
    template_key: dto.templateKey ?? null,
    category: dto.category ?? null,
    data: dto.data ?? null,
    audience,
    schedule: dto.schedule ? toSchedule(dto.schedule) : { kind: 'now' },
    max_per_minute: dto.maxPerMinute ?? null,
  };
}

export function templateSource(): AppException {
  return AppException.validation('Give exactly one of templateKey or templateId', [
    { field: 'templateKey', messages: ['exactly one of templateKey or templateId is required'] },
  ]);
}

export function toSchedule(s: CampaignScheduleDto): CampaignSchedule {
  switch (s.kind) {
    case 'now':
      return { kind: 'now' };
    case 'at':
      return { kind: 'at', at: new Date(s.at!).toISOString() };
    case 'local_time':
      return {
        kind: 'local_time',
        time: s.time!,
        ...(s.date ? { date: s.date } : {}),
        ...(s.defaultTimezone ? { defaultTimezone: normaliseTimezone(s.defaultTimezone, 'schedule.defaultTimezone') } : {}),
      };
  }
}

/** `{groupIds?: uuid[], filter?}` with at least one of them; 400 naming the field. */
export function parseAudience(raw: unknown, required: true): CampaignAudience;
export function parseAudience(raw: unknown, required: boolean): CampaignAudience | undefined;
export function parseAudience(raw: unknown, required: boolean): CampaignAudience | undefined {
  if (raw === undefined && !required) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fieldError('audience', 'must be an object {groupIds?, filter?}');
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => k !== 'groupIds' && k !== 'filter');
  if (unknown) throw fieldError(`audience.${unknown.slice(0, 64)}`, 'is not an audience member (groupIds, filter)');
  const out: CampaignAudience = {};
  if (r.groupIds !== undefined) {
    const ids = r.groupIds;
    if (!Array.isArray(ids) || !ids.length || ids.length > MAX_GROUPS)
      throw fieldError('audience.groupIds', `must list 1 to ${MAX_GROUPS} group ids`);
    ids.forEach((g, i) => {
      if (typeof g !== 'string' || !isUuid(g)) throw fieldError(`audience.groupIds.${i}`, 'must be a uuid');
    });
    out.groupIds = [...new Set((ids as string[]).map((g) => g.toLowerCase()))];
  }
  if (r.filter !== undefined) out.filter = parseAudienceFilter(r.filter, 'audience.filter');
  if (!out.groupIds && !out.filter) throw fieldError('audience', 'give groupIds, a filter, or both');
  return out;
}
