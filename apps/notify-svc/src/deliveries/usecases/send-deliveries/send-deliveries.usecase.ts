import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppException, type Principal } from '#common';
import { fcmTokenProblem } from '../../../channels/push/push-validation.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { QuotaService } from '../../../quotas/quota.service.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { TemplateRenderer } from '../../../templates/template-renderer.js';
import { mapYielding } from '../../../templates/map-yielding.js';
import { TemplatesRepository } from '../../../templates/templates.repository.js';
import type { Channel } from '../../../templates/dtos/template.dto.js';
import { ContactTargets } from '../../../contacts/contact-targets.js';
import { DeliveryQueue } from '../../../queue/delivery-queue.js';
import { UnitOfWork, type Tx } from '../../../tenancy/unit-of-work.js';
import { WebhookTargets } from '../../../webhooks/webhook-targets.js';
import { DeliveriesRepository, type DeliveryRow, type NewDelivery } from '../../deliveries.repository.js';
import { DeliveryPolicy } from '../../policy/delivery-policy.js';
import { normalizePhone } from '../../policy/phone-number.js';
import { smsColumns, textLimitProblem } from '../../../channels/sms/sms-segments.js';
import { PolicyFactsRepository } from '../../policy/policy-facts.repository.js';
import type { DeliveryContentDto, RecipientDto } from '../../dtos/send-delivery.dto.js';

export interface SendCommand {
  principal: Principal;
  content: DeliveryContentDto;
  recipients: Array<{ to: RecipientDto; data?: Record<string, unknown> }>;
  batch: boolean;
  /** Field path of the recipients in the request, for error details. */
  recipientPath: (i: number) => string;
  /** A chunk of a large group send (SendToGroupUseCase): recipients already resolved, its batch id. */
  groupChunk?: { batchId: string };
}

export interface SendResult {
  batchId: string | null;
  deliveries: DeliveryRow[];
  /**
   * A send to `to: {groupId}`: the group, and how many of its contacts had no address for the
   * channel; `expanding` when the group is larger than a batch (its job makes the deliveries).
   */
  group?: { groupId: string; withoutAddress: number; expanding?: { targeted: number } } | null;
}

const ADDRESS_FIELD: Record<Channel, keyof RecipientDto> = {
  email: 'email',
  sms: 'phone',
  whatsapp: 'phone',
  push: 'deviceToken',
  webhook: 'url',
  in_app: 'userId',
};

/**
 * Accepts one delivery or a batch: checks the content source and every recipient's address,
 * counts the daily quota, renders the template (strict: a missing variable is 422), lets the
 * DeliveryPolicy decide each status, then writes deliveries, their first events and their queue
 * jobs in one tenant transaction (joined by the request's Idempotency-Key record, when there is
 * one). Nothing is written when anything fails.
 */
@Injectable()
export class SendDeliveriesUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveriesRepository,
    private readonly policy: DeliveryPolicy,
    private readonly facts: PolicyFactsRepository,
    private readonly queue: DeliveryQueue,
    private readonly webhookTargets: WebhookTargets,
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
    private readonly quotas: QuotaService,
    private readonly metrics: NotifyMetrics,
    private readonly contactTargets: ContactTargets,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(cmd: SendCommand): Promise<SendResult> {
    const { principal, content } = cmd;
    const tenantId = principal.tenantId!;
    const useTemplate = content.templateKey !== undefined || content.templateId !== undefined;
    this.checkSource(content, useTemplate);
    // Contacts and groups become concrete recipients first; a group makes this send a batch.
    let recipients = cmd.recipients;
    let group: SendResult['group'] = null;
    if (!cmd.groupChunk && ContactTargets.involved(recipients)) {
      const r = await this.contactTargets.resolve(tenantId, content.channel, recipients, cmd.recipientPath, {
        batch: cmd.batch,
        max: this.config.BATCH_MAX_RECIPIENTS,
      });
      recipients = r.recipients;
      if (r.largeGroup !== undefined) {
        // More than one batch: a durable job expands it, 1,000 contacts per transaction.
        const batchId = randomUUID();
        await this.uow.tenant(tenantId, async (tx) => {
          await tx.exec(
            `INSERT INTO contact_group_sends (id, tenant_id, group_id, content, principal, targeted) VALUES ($1, $2, $3, $4, $5, $6)`,
            [batchId, tenantId, r.groupId, JSON.stringify(content), JSON.stringify(principal), r.largeGroup],
          );
          await this.queue.enqueueGroupSend(tx, batchId);
        });
        return { batchId, deliveries: [], group: { groupId: r.groupId!, withoutAddress: 0, expanding: { targeted: r.largeGroup } } };
      }
      if (r.groupId) group = { groupId: r.groupId, withoutAddress: r.withoutAddress };
    }
    if (group && !recipients.length) return { batchId: randomUUID(), deliveries: [], group };
    if (cmd.batch && recipients.length > this.config.BATCH_MAX_RECIPIENTS) {
      throw AppException.validation(`At most ${this.config.BATCH_MAX_RECIPIENTS} recipients per batch`, [
        { field: 'recipients', messages: [`must contain at most ${this.config.BATCH_MAX_RECIPIENTS} recipients`] },
      ]);
    }
    const channel = content.channel;
    const field = ADDRESS_FIELD[channel];
    const missing = recipients.flatMap((r, i) =>
      r.to[field] || (channel === 'webhook' && r.to.endpointId) || (channel === 'push' && r.to.userId)
        ? []
        : [
            {
              field: `${cmd.recipientPath(i)}.${field}`,
              messages: [
                channel === 'webhook'
                  ? 'endpointId or url is required for webhook'
                  : channel === 'push'
                    ? 'deviceToken or userId (their registered subscriptions and devices) is required for push'
                    : `${field} is required for ${channel}`,
              ],
            },
          ],
    );
    if (missing.length) throw AppException.validation(`Recipient address missing for ${channel}`, missing.slice(0, 20));
    if (channel === 'push') {
      const bad = recipients.flatMap((r, i) => {
        const problem = r.to.deviceToken ? fcmTokenProblem(r.to.deviceToken) : null;
        return problem ? [{ field: `${cmd.recipientPath(i)}.deviceToken`, messages: [problem] }] : [];
      });
      if (bad.length) throw AppException.validation('Invalid push device token', bad.slice(0, 20));
    }
    // sms / whatsapp: each number valid and written in E.164 (the address and the stored recipient).
    const phones = channel === 'sms' || channel === 'whatsapp' ? this.phones(recipients, cmd.recipientPath) : null;
    const sendAt = content.sendAt ? new Date(content.sendAt).toISOString() : null;

    const dailyLimit = await this.quotas.consume(tenantId, principal.planTier, recipients.length);
    try {
      const batchId = cmd.groupChunk?.batchId ?? (cmd.batch || group ? randomUUID() : null);
      const rows = await this.uow.tenant(tenantId, async (tx) => {
        let template: { id: string; key: string; version: number; content: Record<string, unknown> } | null = null;
        if (useTemplate) {
          const t = await this.templates.find(tx, { id: content.templateId, key: content.templateKey });
          if (!t) throw AppException.notFound('Template');
          const channelContent = t.channels[channel];
          if (!channelContent) throw AppException.unprocessable(`Template "${t.key}" has no ${channel} content`);
          template = { id: t.id, key: t.key, version: t.version, content: channelContent };
          await this.renderer.prepare(channelContent);
        }
        const endpoints = channel === 'webhook' ? await this.webhookEndpoints(tx, recipients, cmd.recipientPath) : [];
        const drafts = await mapYielding(recipients, (r, i) => {
          const to =
            channel === 'webhook'
              ? { endpointId: endpoints[i]!.id, url: endpoints[i]!.url }
              : phones
                ? { ...r.to, phone: phones[i]! }
                : { ...r.to };
          const data = r.data ? { ...(content.data ?? {}), ...r.data } : (content.data ?? null);
          const rendered = template ? this.renderer.render(template.content, data ?? {}) : rawContent(channel, content);
          return {
            user_id: r.to.userId ?? null,
            channel,
            recipient: to as Record<string, string>,
            // A push to a user (no raw token) is addressed by the user id, as in-app is; the worker fans it out.
            address: normaliseAddress(channel, String(to[field as keyof typeof to] ?? (channel === 'push' ? r.to.userId : ''))),
            template_id: template?.id ?? null,
            template_key: template?.key ?? null,
            template_version: template?.version ?? null,
            content: rendered,
            data,
            category: content.category ?? null,
            priority: content.priority ?? 'normal',
            send_at: sendAt,
            ...smsColumns(channel, rendered),
          };
        });
        // Too long for the providers: refused here, not a worker failure (400 on the body, 422 once rendered from a template).
        const tooLong = drafts.flatMap((d, i) => {
          const problem = textLimitProblem(channel, d.content);
          return problem ? [{ field: template ? cmd.recipientPath(i) : 'body', messages: [problem] }] : [];
        });
        if (tooLong.length && !template) throw AppException.validation('Message too long', tooLong.slice(0, 1));
        if (tooLong.length) throw AppException.unprocessable('Message too long once rendered', tooLong.slice(0, 20));
        const facts = await this.facts.load(tx, channel, drafts, dailyLimit);
        const now = new Date();
        const news: NewDelivery[] = drafts.map((d) => {
          const decision = this.policy.decide(d, facts, now);
          return { ...d, status: decision.status, status_reason: decision.reason, plan_tier: principal.planTier };
        });
        const inserted = await this.deliveries.insertMany(tx, news, actorOf(principal), batchId);
        const pending = inserted.filter((d) => d.status === 'queued' || d.status === 'scheduled');
        await this.queue.enqueueMany(
          tx,
          pending.map((d) => ({ id: d.id, priority: d.priority, runAt: d.send_at })),
        );
        return inserted;
      });
      for (const r of rows) this.metrics.deliveriesAccepted.inc({ channel, status: r.status });
      return { batchId, deliveries: rows, group };
    } catch (err) {
      await this.quotas.refund(tenantId, principal.planTier, recipients.length);
      throw err;
    }
  }

  /** Every recipient's phone in E.164, or one 400 naming each bad one (by its index in a batch). */
  private phones(recipients: SendCommand['recipients'], path: (i: number) => string): string[] {
    const results = recipients.map((r) => normalizePhone(r.to.phone ?? '', this.config.SMS_DEFAULT_REGION));
    const bad = results.flatMap((p, i) => (p.ok ? [] : [{ field: `${path(i)}.phone`, messages: [`phone ${p.problem}`] }]));
    if (bad.length) throw AppException.validation('Invalid phone number', bad.slice(0, 20));
    return results.map((p) => (p as { e164: string }).e164);
  }

  /** A webhook goes only to a registered endpoint (by id, or by its exact URL): anything else is 422. */
  private async webhookEndpoints(tx: Tx, recipients: SendCommand['recipients'], path: (i: number) => string) {
    const found = await Promise.all(recipients.map((r) => this.webhookTargets.find(tx, r.to)));
    const unknown = found.flatMap((e, i) =>
      e ? [] : [{ field: `${path(i)}`, messages: ['not a registered webhook endpoint of this tenant'] }],
    );
    if (unknown.length) {
      throw AppException.unprocessable(
        'Webhooks go only to registered endpoints (POST /notify/v1/webhook-endpoints)',
        unknown.slice(0, 20),
      );
    }
    return found.map((e) => e!);
  }

  private checkSource(c: DeliveryContentDto, useTemplate: boolean): void {
    const sources = [c.templateKey !== undefined, c.templateId !== undefined, c.body !== undefined].filter(Boolean).length;
    if (sources !== 1) {
      throw AppException.validation('Give exactly one of templateKey, templateId or body', [
        { field: 'body', messages: ['exactly one of templateKey, templateId or body is required'] },
      ]);
    }
    if (useTemplate && c.subject !== undefined) {
      throw AppException.validation('subject goes with body, not with a template', [
        { field: 'subject', messages: ['not allowed with a template'] },
      ]);
    }
    if (!useTemplate && (c.channel === 'email' || c.channel === 'push') && !c.subject) {
      throw AppException.validation(`subject is required for ${c.channel} without a template`, [
        { field: 'subject', messages: [`subject is required for ${c.channel}`] },
      ]);
    }
  }
}

function normaliseAddress(channel: Channel, value: string): string {
  return channel === 'email' ? value.trim().toLowerCase() : value.trim();
}

function rawContent(channel: Channel, c: DeliveryContentDto): Record<string, string> {
  const body = c.body!;
  switch (channel) {
    case 'email':
      return { subject: c.subject!, text: body };
    case 'sms':
    case 'whatsapp':
      return { text: body };
    case 'push':
      return { title: c.subject!, body };
    case 'in_app':
      return c.subject ? { title: c.subject, body } : { body };
    case 'webhook':
      return { body };
  }
}
