import { Inject, Injectable } from '@nestjs/common';
import { AppException, type FieldError, type PlanTier } from '#common';
import { fcmTokenProblem } from '../../channels/push/push-validation.js';
import { ADDRESS_FIELD, CHANNEL_REGISTRY, textLimitProblem, type Channel } from '../../channels/channel-registry.js';
import { smsColumns } from '../../channels/sms/sms-segments.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../config/notify-config.js';
import { NotifyMetrics } from '../../metrics/notify-metrics.js';
import { QuotaService } from '../../quotas/quota.service.js';
import { mapYielding } from '../../templates/map-yielding.js';
import { renderFailureReason, TemplateRenderer } from '../../templates/template-renderer.js';
import { TemplatesRepository } from '../../templates/templates.repository.js';
import type { Tx } from '../../database/unit-of-work.js';
import { WebhookTargets } from '../../webhook-endpoints/webhook-targets.js';
import { DeliveriesRepository, type DeliveryRow, type NewDelivery } from '../deliveries.repository.js';
import type { DeliveryContentDto, RecipientDto } from '../dtos/send-delivery.dto.js';
import { normaliseEmail, normalizePhone } from '../policy/addresses.js';
import { DeliveryPolicy } from '../policy/delivery-policy.js';
import { PolicyFactsRepository } from '../policy/policy-facts.repository.js';

/** One recipient of an accept batch: a concrete address (contacts and groups are resolved by the caller). */
export interface AcceptRecipient {
  to: RecipientDto;
  /** Template variables of this recipient, merged over the batch's `data`. */
  data?: Record<string, unknown> | null;
}

/** What the batch says: a template (by id or key, optionally a pinned version) or a literal body. */
export type AcceptSource = { template: { id?: string; key?: string; version?: number | null } } | { body: string; subject?: string | null };

export interface AcceptBatch {
  channel: Channel;
  source: AcceptSource;
  recipients: AcceptRecipient[];
  /** Variables shared by every recipient. */
  data?: Record<string, unknown> | null;
  category?: string | null;
  priority?: 'high' | 'normal' | 'low';
  /** A future time makes the deliveries `scheduled`. */
  sendAt?: string | null;
  /** The deliveries' batch id (a batch send, a group send, a campaign), or null. */
  batchId: string | null;
  /** Who the deliveries are created by (`actorOf(principal)`, `campaign:<id>`). */
  createdBy: string;
  planTier: PlanTier | string;
  /**
   * What a recipient that cannot be accepted (bad address, render error, too long) does:
   * `reject` (the API) throws one 400/422 naming each bad recipient by `recipientPath(i)` and
   * writes nothing; `refuse` (a campaign chunk) leaves that recipient out with its reason and
   * accepts the others.
   */
  onInvalid: 'reject' | 'refuse';
  /** Field path of recipient i in the request, for error details (default `recipients.<i>.to`). */
  recipientPath?: (i: number) => string;
  /**
   * Quota already counted with `reserve()` before the caller opened its transaction (the API path:
   * the quota store may need a pool connection of its own, so none is held while it is asked).
   * Without it, accept() counts the quota itself, inside the transaction.
   */
  quota?: QuotaReservation;
}

/** Deliveries counted against the tenant's daily quota ahead of accept() (see `AcceptPipeline.reserve`). */
export interface QuotaReservation {
  tenantId: string;
  planTier: PlanTier;
  count: number;
  dailyLimit: number;
}

/** Per recipient, in input order: its delivery, or why it was refused (onInvalid 'refuse' only). */
export type AcceptOutcome = { delivery: DeliveryRow; refused?: undefined } | { delivery?: undefined; refused: string };

export interface AcceptResult {
  /** The inserted deliveries, in input order of the accepted recipients. */
  deliveries: DeliveryRow[];
  outcomes: AcceptOutcome[];
}

type Draft = Omit<NewDelivery, 'status' | 'status_reason' | 'plan_tier'>;
type Template = { id: string; key: string; version: number; content: Record<string, unknown> };

/** A recipient that cannot be accepted: its field path (relative to the recipient) and why. */
class Refusal {
  constructor(
    readonly field: string,
    readonly message: string,
    /** 400 (the request is wrong as written) or 422 (well-formed, but not acceptable once resolved). */
    readonly status: 400 | 422,
    readonly summary: string,
  ) {}
}

/**
 * THE accept pipeline of notify-svc: the one place a delivery is accepted. The API's sends
 * (`POST /deliveries`, batches, small groups), large group sends (their expansion job), campaign
 * send chunks and topic forwards all call `accept()`; workflows (issue 21) call it the same way.
 *
 * `accept(tx, batch)` runs, inside the caller's tenant transaction `tx` (so it commits or rolls
 * back with the caller's own writes, e.g. the Idempotency-Key record or a campaign's cursor):
 *
 * 1. **render** — the template (by id or key; a pinned version when given) or the literal body,
 *    with `{...batch.data, ...recipient.data}` (strict: a missing variable refuses the recipient);
 * 2. **normalise** — one address per recipient: email lower-cased (normaliseEmail), phone in E.164
 *    honouring SMS_DEFAULT_REGION (normalizePhone), push token checked, webhook resolved to a
 *    registered endpoint of the tenant;
 * 3. **limits** — text length per channel (`textLimit` in CHANNEL_REGISTRY: SMS 1,600, WhatsApp 4,096), then the daily quota for
 *    the accepted count (429 QUOTA_EXCEEDED, nothing written; refunded if a later step throws);
 * 4. **policy facts** — suppressions, preferences, required categories, in one query;
 * 5. **decide** — DeliveryPolicy per recipient (the same code the worker re-runs before sending);
 * 6. **insert** and 7. **enqueue** — deliveries, their first events and the deliver jobs of the
 *    queued/scheduled ones (SQL from JobQueue's deliverJobsSql), one statement in the same transaction.
 *
 * Recipients must already be concrete addresses (`ContactTargets` turns contacts into them,
 * `ContactsRepository.audiencePage` pages groups and campaign audiences). With `onInvalid:
 * 'reject'` any bad recipient makes it throw a 400/422 naming them (nothing written); with
 * `'refuse'` they come back in `outcomes` with their reason and the rest are accepted.
 */
@Injectable()
export class AcceptPipeline {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly policy: DeliveryPolicy,
    private readonly facts: PolicyFactsRepository,
    private readonly webhookTargets: WebhookTargets,
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
    private readonly quotas: QuotaService,
    private readonly metrics: NotifyMetrics,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async accept(tx: Tx, batch: AcceptBatch): Promise<AcceptResult> {
    const { channel } = batch;
    const path = batch.recipientPath ?? ((i: number) => `recipients.${i}.to`);
    const refusals: Array<Refusal | null> = batch.recipients.map(() => null);
    const check = () => this.settle(batch, refusals, path);

    // normalise (addresses first: a bad address is the request's fault, before any lookup)
    const addresses = batch.recipients.map((r, i) => this.address(channel, r.to, (f) => (refusals[i] = f)));
    check();
    const endpoints =
      CHANNEL_REGISTRY[channel].address === 'webhook-endpoint'
        ? await this.webhookEndpoints(tx, batch.recipients, refusals)
        : batch.recipients.map(() => null);
    check();

    // render
    const found = 'template' in batch.source ? await this.template(tx, channel, batch.source.template, batch.onInvalid) : null;
    const missing = found && 'missing' in found ? found.missing : null;
    const template = missing ? null : (found as Template | null);
    // compiled off the event loop (a stored template over the limits: 422, or each recipient refused)
    if (template)
      await this.renderer.prepare(template.content).catch((err: unknown) => {
        if (batch.onInvalid === 'reject') throw err;
      });
    const literal = 'body' in batch.source ? CHANNEL_REGISTRY[channel].content(batch.source.body, batch.source.subject ?? undefined) : null;
    const drafts: Array<Draft | null> = await mapYielding(batch.recipients, (r, i) => {
      if (refusals[i]) return null;
      if (missing) {
        refusals[i] = new Refusal('', missing, 422, missing);
        return null;
      }
      const data = r.data ? { ...(batch.data ?? {}), ...r.data } : (batch.data ?? null);
      let content: Record<string, string>;
      try {
        content = template ? (this.renderer.render(template.content, data ?? {}) as Record<string, string>) : literal!;
      } catch (err) {
        if (batch.onInvalid === 'reject') throw err;
        refusals[i] = new Refusal('', renderFailureReason(err), 422, 'render failed');
        return null;
      }
      // limits: too long for the providers is refused here, not a worker failure
      const tooLong = textLimitProblem(channel, content);
      if (tooLong) {
        refusals[i] = template
          ? new Refusal('', tooLong, 422, 'Message too long once rendered')
          : new Refusal('body', tooLong, 400, 'Message too long');
        return null;
      }
      const e = endpoints[i];
      const to = e ? { endpointId: e.id, url: e.url } : { ...r.to, ...addresses[i]!.recipient };
      return {
        user_id: r.to.userId ?? null,
        channel,
        recipient: to as Record<string, string>,
        address: e ? e.url : addresses[i]!.address,
        template_id: template?.id ?? null,
        template_key: template?.key ?? null,
        template_version: template?.version ?? null,
        content,
        data,
        category: batch.category ?? null,
        priority: batch.priority ?? 'normal',
        send_at: batch.sendAt ?? null,
        ...smsColumns(channel, content),
      };
    });
    check();

    const accepted = drafts.filter((d): d is Draft => d !== null);
    let rows: DeliveryRow[] = [];
    const reserved = batch.quota;
    if (reserved && reserved.count > accepted.length)
      await this.quotas.refund(reserved.tenantId, reserved.planTier, reserved.count - accepted.length);
    if (accepted.length) {
      // limits: the daily quota, for what is accepted (429 before anything is written)
      const plan = batch.planTier as PlanTier;
      const dailyLimit = reserved ? reserved.dailyLimit : await this.quotas.consume(tx.tenantId, plan, accepted.length);
      try {
        const facts = await this.facts.load(tx, channel, accepted, dailyLimit);
        const now = new Date();
        const news: NewDelivery[] = accepted.map((d) => {
          const decision = this.policy.decide(d, facts, now);
          return { ...d, status: decision.status, status_reason: decision.reason, plan_tier: batch.planTier };
        });
        // insert + enqueue: deliveries, their first events and their deliver jobs in one statement.
        rows = await this.deliveries.insertMany(tx, news, batch.createdBy, batch.batchId);
      } catch (err) {
        // A reservation is released by its owner (who also sees a failed commit).
        if (!reserved) await this.quotas.refund(tx.tenantId, plan, accepted.length);
        throw err;
      }
      const inserted = rows;
      tx.afterCommit(() => {
        for (const r of inserted) this.metrics.deliveriesAccepted.inc({ channel, status: r.status });
      });
    }
    let next = 0;
    const outcomes = refusals.map((f): AcceptOutcome => (f ? { refused: f.message } : { delivery: rows[next++]! }));
    return { deliveries: rows, outcomes };
  }

  /**
   * The limits step ahead of a transaction: counts `count` deliveries against the tenant's daily
   * quota (429 QUOTA_EXCEEDED when spent). Pass the result as `batch.quota`; if the transaction
   * fails, `release()` it.
   */
  async reserve(tenantId: string, planTier: PlanTier, count: number): Promise<QuotaReservation> {
    const dailyLimit = await this.quotas.consume(tenantId, planTier, count);
    return { tenantId, planTier, count, dailyLimit };
  }

  /**
   * Pins a template for a send accepted in several transactions (a large group send): its id and
   * current version, checked as accept() would (404 unknown, 422 without content for the channel).
   * Pass them back as `source: {template: {id, version}}`.
   */
  async pinTemplate(tx: Tx, channel: Channel, ref: { id?: string; key?: string }): Promise<{ id: string; version: number }> {
    const t = (await this.template(tx, channel, ref, 'reject')) as Template;
    return { id: t.id, version: t.version };
  }

  /** Gives back a reservation whose accept did not commit. */
  release(r: QuotaReservation): Promise<void> {
    return this.quotas.refund(r.tenantId, r.planTier, r.count);
  }

  /** With onInvalid 'reject': throws one 400 (or 422) naming every refused recipient so far. */
  private settle(batch: AcceptBatch, refusals: Array<Refusal | null>, path: (i: number) => string): void {
    if (batch.onInvalid !== 'reject') return;
    const bad = refusals.flatMap((f, i) => (f ? [{ f, i }] : []));
    if (!bad.length) return;
    const status = bad.some((b) => b.f.status === 400) ? 400 : 422;
    const picked = bad.filter((b) => b.f.status === status);
    const details: FieldError[] = picked.slice(0, 20).map(({ f, i }) => ({
      field: f.field === 'body' ? 'body' : f.field ? `${path(i)}.${f.field}` : path(i),
      messages: [f.message],
    }));
    const summary = picked[0]!.f.summary;
    // A literal body that is too long is one problem of the body, named once.
    if (status === 400 && details.every((d) => d.field === 'body')) throw AppException.validation(summary, details.slice(0, 1));
    throw status === 400 ? AppException.validation(summary, details) : AppException.unprocessable(summary, details);
  }

  /** The recipient's stored address (and its normalised form in `recipient`), or a refusal. */
  private address(
    channel: Channel,
    to: RecipientDto,
    refuse: (r: Refusal) => void,
  ): { address: string; recipient: Partial<RecipientDto> } | null {
    const kind = CHANNEL_REGISTRY[channel].address;
    const field = ADDRESS_FIELD[kind];
    if (!(to[field] || (kind === 'webhook-endpoint' && to.endpointId) || (kind === 'push-token' && to.userId))) {
      const message =
        kind === 'webhook-endpoint'
          ? `endpointId or url is required for ${channel}`
          : kind === 'push-token'
            ? `deviceToken or userId (their registered subscriptions and devices) is required for ${channel}`
            : `${field} is required for ${channel}`;
      refuse(new Refusal(field, message, 400, `Recipient address missing for ${channel}`));
      return null;
    }
    switch (kind) {
      case 'email':
        return { address: normaliseEmail(to.email!), recipient: {} };
      case 'phone': {
        const p = normalizePhone(to.phone!, this.config.SMS_DEFAULT_REGION);
        if (!p.ok) {
          refuse(new Refusal('phone', `phone ${p.problem}`, 400, 'Invalid phone number'));
          return null;
        }
        return { address: p.e164, recipient: { phone: p.e164 } };
      }
      case 'push-token': {
        const problem = to.deviceToken ? fcmTokenProblem(to.deviceToken) : null;
        if (problem) {
          refuse(new Refusal('deviceToken', problem, 400, 'Invalid push device token'));
          return null;
        }
        // A push to a user (no raw token) is addressed by the user id, as in-app is; the worker fans it out.
        return { address: (to.deviceToken ?? to.userId!).trim(), recipient: {} };
      }
      case 'user':
        return { address: to.userId!.trim(), recipient: {} };
      case 'webhook-endpoint':
        return { address: '', recipient: {} };
    }
  }

  /** A webhook goes only to a registered endpoint (by id, or by its exact URL): anything else is refused (422). */
  private async webhookEndpoints(tx: Tx, recipients: AcceptRecipient[], refusals: Array<Refusal | null>) {
    const found = await Promise.all(recipients.map((r, i) => (refusals[i] ? null : this.webhookTargets.find(tx, r.to))));
    found.forEach((e, i) => {
      if (!e && !refusals[i]) {
        refusals[i] = new Refusal(
          '',
          'not a registered webhook endpoint of this tenant',
          422,
          'Webhooks go only to registered endpoints (POST /notify/v1/webhook-endpoints)',
        );
      }
    });
    return found;
  }

  /**
   * The template's content for the channel (a pinned version when given). Not found: 404 (reject);
   * no content for the channel: 422 (reject); with 'refuse', either is `missing` (every recipient refused).
   */
  private async template(
    tx: Tx,
    channel: Channel,
    ref: { id?: string; key?: string; version?: number | null },
    onInvalid: AcceptBatch['onInvalid'],
  ): Promise<Template | { missing: string }> {
    const t = await this.templates.find(tx, { id: ref.id, key: ref.key });
    if (!t && onInvalid === 'reject') throw AppException.notFound('Template');
    if (!t) return { missing: 'the template was deleted' };
    let channels: Record<string, Record<string, unknown> | undefined> = t.channels;
    let version = t.version;
    if (ref.version != null && ref.version !== t.version) {
      const pinned = await tx.one<{ channels: Record<string, Record<string, unknown>> }>(
        `SELECT channels FROM template_versions WHERE tenant_id = $1 AND template_id = $2 AND version = $3`,
        [tx.tenantId, t.id, ref.version],
      );
      channels = pinned?.channels ?? {};
      version = ref.version;
    }
    const content = channels[channel];
    if (!content && onInvalid === 'reject') throw AppException.unprocessable(`Template "${t.key}" has no ${channel} content`);
    return content ? { id: t.id, key: t.key, version, content } : { missing: `template version ${version} has no ${channel} content` };
  }
}

/** The batch fields of a send's content (`POST /deliveries`, a group send): what, to which channel, when. */
export function contentFields(
  c: DeliveryContentDto,
): Pick<AcceptBatch, 'channel' | 'source' | 'data' | 'category' | 'priority' | 'sendAt'> {
  const useTemplate = c.templateKey !== undefined || c.templateId !== undefined;
  return {
    channel: c.channel,
    source: useTemplate ? { template: { id: c.templateId, key: c.templateKey } } : { body: c.body!, subject: c.subject },
    data: c.data ?? null,
    category: c.category ?? null,
    priority: c.priority ?? 'normal',
    sendAt: c.sendAt ? new Date(c.sendAt).toISOString() : null,
  };
}
