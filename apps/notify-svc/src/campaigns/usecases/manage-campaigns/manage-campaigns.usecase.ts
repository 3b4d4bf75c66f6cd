import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, isUuid, type Principal } from '#common';
import { parseAudienceFilter } from '../../../contacts/audience.js';
import { fieldError, normaliseTimezone } from '../../../contacts/contact-fields.js';
import { ContactsRepository } from '../../../contacts/contacts.repository.js';
import { SendDeliveriesUseCase } from '../../../deliveries/usecases/send-deliveries/send-deliveries.usecase.js';
import { toDeliveryView } from '../../../deliveries/dtos/delivery.view.js';
import type { Channel } from '../../../channels/channel-registry.js';
import { TemplatesRepository } from '../../../templates/templates.repository.js';
import { JobQueue, TASK } from '../../../jobs/job-queue.js';
import { actorOf } from '../../../tenancy/visibility.js';
import type { Tx } from '../../../database/unit-of-work.js';
import { CampaignStatePolicy, type CampaignAction } from '../../campaign-state.js';
import {
  CampaignsRepository,
  type CampaignAudience,
  type CampaignRow,
  type CampaignSchedule,
  type CampaignValues,
} from '../../campaigns.repository.js';
import type { CampaignScheduleDto, CreateCampaignDto, TestSendDto, UpdateCampaignDto } from '../../dtos/campaign.dto.js';
import { toCampaignView, toStatsView } from '../../dtos/campaign.view.js';

const MAX_GROUPS = 20;

/**
 * Campaign CRUD and its state changes. The transitions are decided by CampaignStatePolicy (409
 * otherwise); launch pins the template version, checks the audience's groups (422 naming the
 * unknown one) and adds the expansion and send jobs in the same transaction as the status change.
 */
@Injectable()
export class ManageCampaignsUseCase {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
    private readonly templates: TemplatesRepository,
    private readonly sender: SendDeliveriesUseCase,
    private readonly queue: JobQueue,
  ) {}

  async create(p: Principal, dto: CreateCampaignDto, audience: unknown) {
    const values = this.values(dto, parseAudience(audience, true)!);
    return toCampaignView(await this.tx(p, (tx) => this.campaigns.insert(tx, values, actorOf(p))));
  }

  async update(p: Principal, id: string, dto: UpdateCampaignDto, audience: unknown) {
    const parsed = parseAudience(audience, false);
    return toCampaignView(
      await this.tx(p, async (tx) => {
        const c = await this.load(tx, id, 'edit');
        const hasTemplate = dto.templateId !== undefined || dto.templateKey !== undefined;
        const merged: CampaignValues = {
          name: dto.name?.trim() ?? c.name,
          channel: c.channel,
          template_id: hasTemplate ? (dto.templateId ?? null) : c.template_id,
          template_key: hasTemplate ? (dto.templateKey ?? null) : c.template_key,
          category: dto.category ?? c.category,
          data: dto.data ?? c.data,
          audience: parsed ?? c.audience,
          schedule: dto.schedule ? schedule(dto.schedule) : c.schedule,
          max_per_minute: dto.maxPerMinute !== undefined ? dto.maxPerMinute : c.max_per_minute,
        };
        if (merged.template_id && merged.template_key) throw templateSource();
        return (await this.campaigns.update(tx, c.id, merged))!;
      }),
    );
  }

  async remove(p: Principal, id: string) {
    await this.tx(p, async (tx) => {
      const c = await this.load(tx, id, 'delete');
      await this.campaigns.remove(tx, c.id);
    });
    return { deleted: true };
  }

  async get(p: Principal, id: string) {
    return toCampaignView(await this.tx(p, (tx) => this.load(tx, id), true));
  }

  async list(p: Principal, limit?: number, cursor?: string) {
    return this.tx(p, async (tx) => (await this.campaigns.list(tx, limit ?? DEFAULT_PAGE_LIMIT, cursor)).map(toCampaignView), true);
  }

  async stats(p: Principal, id: string) {
    return this.tx(
      p,
      async (tx) => {
        const c = await this.load(tx, id);
        return toStatsView(c, await this.campaigns.counts(tx, c.id));
      },
      true,
    );
  }

  async launch(p: Principal, id: string) {
    return toCampaignView(
      await this.tx(p, async (tx) => {
        const c = await this.load(tx, id, 'launch');
        const t = await this.templates.find(tx, { id: c.template_id ?? undefined, key: c.template_key ?? undefined });
        if (!t) {
          throw AppException.unprocessable('The campaign template does not exist', [
            { field: c.template_id ? 'templateId' : 'templateKey', messages: ['no template of this tenant has it'] },
          ]);
        }
        if (!t.channels[c.channel]) {
          throw AppException.unprocessable(`Template "${t.key}" has no ${c.channel} content`, [
            { field: 'channel', messages: [`the template has no ${c.channel} content`] },
          ]);
        }
        for (const [i, g] of (c.audience.groupIds ?? []).entries()) {
          if (!(await this.contacts.findGroup(tx, g))) {
            throw AppException.unprocessable('The audience names a group that does not exist', [
              { field: `audience.groupIds.${i}`, messages: ['unknown group'] },
            ]);
          }
        }
        const status = CampaignStatePolicy.after(c.status, 'launch', { immediate: c.schedule.kind === 'now' });
        const row = await this.campaigns.setStatus(tx, c.id, status, {
          template_id: t.id,
          template_key: t.key,
          template_version: t.version,
          plan_tier: p.planTier,
          launched: true,
        });
        await this.queue.enqueueCampaign(tx, TASK.campaignExpand, c.id);
        return row;
      }),
    );
  }

  async pause(p: Principal, id: string) {
    return toCampaignView(
      await this.tx(p, async (tx) => {
        const c = await this.load(tx, id, 'pause');
        return this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'pause'));
      }),
    );
  }

  async resume(p: Principal, id: string) {
    return toCampaignView(
      await this.tx(p, async (tx) => {
        const c = await this.load(tx, id, 'resume');
        const row = await this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'resume'));
        await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id);
        return row;
      }),
    );
  }

  /** Cancel: no more deliveries; the recipients still waiting become cancelled (counted as skipped). */
  async cancel(p: Principal, id: string) {
    return toCampaignView(
      await this.tx(p, async (tx) => {
        const c = await this.load(tx, id, 'cancel');
        await tx.exec(
          `UPDATE campaign_recipients SET status = 'cancelled', reason = 'campaign cancelled' WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'pending'`,
          [tx.tenantId, c.id],
        );
        return this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'cancel'), { cancelled: true });
      }),
    );
  }

  /** One delivery of the campaign's template (its current version) to one address, through the normal accept path. */
  async test(p: Principal, id: string, dto: TestSendDto) {
    const c = await this.tx(p, (tx) => this.load(tx, id, 'test', false), true);
    const result = await this.sender.execute({
      principal: p,
      content: {
        channel: c.channel as Channel,
        ...(c.template_id ? { templateId: c.template_id } : { templateKey: c.template_key! }),
        data: { ...(c.data ?? {}), contact: { name: null, email: dto.to.email ?? null, phone: dto.to.phone ?? null, attributes: {} } },
        ...(c.category ? { category: c.category } : {}),
      },
      recipients: [{ to: { ...dto.to } }],
      batch: false,
      recipientPath: () => 'to',
    });
    return toDeliveryView(result.deliveries[0]!);
  }

  private values(dto: CreateCampaignDto, audience: CampaignAudience): CampaignValues {
    if ((dto.templateId === undefined) === (dto.templateKey === undefined)) throw templateSource();
    return {
      name: dto.name.trim(),
      channel: dto.channel,
      template_id: dto.templateId ?? null,
      template_key: dto.templateKey ?? null,
      category: dto.category ?? null,
      data: dto.data ?? null,
      audience,
      schedule: dto.schedule ? schedule(dto.schedule) : { kind: 'now' },
      max_per_minute: dto.maxPerMinute ?? null,
    };
  }

  private tx<T>(p: Principal, fn: (tx: Tx) => Promise<T>, readOnly = false): Promise<T> {
    return this.campaigns.uow.tenant(p.tenantId, fn, { readOnly });
  }

  /** The campaign (locked when an action is checked), 404 when it is not this tenant's, 409 when the action is not allowed now. */
  private async load(tx: Tx, id: string, action?: CampaignAction, lock = action !== undefined): Promise<CampaignRow> {
    const c = isUuid(id) ? await this.campaigns.find(tx, id.toLowerCase(), lock) : undefined;
    if (!c) throw AppException.notFound('Campaign');
    if (action) CampaignStatePolicy.check(c.status, action);
    return c;
  }
}

function templateSource(): AppException {
  return AppException.validation('Give exactly one of templateKey or templateId', [
    { field: 'templateKey', messages: ['exactly one of templateKey or templateId is required'] },
  ]);
}

function schedule(s: CampaignScheduleDto): CampaignSchedule {
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
function parseAudience(raw: unknown, required: boolean): CampaignAudience | undefined {
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
