import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppException, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { InboxPublisher } from '../../../notifications/inbox.publisher.js';
import { QuotaService } from '../../../quotas/quota.service.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { TemplateRenderer } from '../../../templates/template-renderer.js';
import { TemplatesRepository } from '../../../templates/templates.repository.js';
import type { Channel } from '../../../templates/dtos/template.dto.js';
import { DeliveriesRepository, type DeliveryRow, type NewDelivery } from '../../deliveries.repository.js';
import type { DeliveryContentDto, RecipientDto } from '../../dtos/send-delivery.dto.js';

export interface SendCommand {
  principal: Principal;
  content: DeliveryContentDto;
  recipients: Array<{ to: RecipientDto; data?: Record<string, unknown> }>;
  batch: boolean;
  /** Field path of the recipients in the request, for error details. */
  recipientPath: (i: number) => string;
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
 * counts the daily quota, renders the template (strict: a missing variable is 422), then writes
 * deliveries, events and outbox rows in one transaction (one round trip). Nothing is written when anything fails.
 */
@Injectable()
export class SendDeliveriesUseCase {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
    private readonly quotas: QuotaService,
    private readonly metrics: NotifyMetrics,
    private readonly inboxPublisher: InboxPublisher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(cmd: SendCommand): Promise<{ batchId: string | null; deliveries: DeliveryRow[] }> {
    const { principal, content, recipients } = cmd;
    const tenantId = principal.tenantId!;
    const useTemplate = content.templateKey !== undefined || content.templateId !== undefined;
    this.checkSource(content, useTemplate);
    if (cmd.batch && recipients.length > this.config.BATCH_MAX_RECIPIENTS) {
      throw AppException.validation(`At most ${this.config.BATCH_MAX_RECIPIENTS} recipients per batch`, [
        { field: 'recipients', messages: [`must contain at most ${this.config.BATCH_MAX_RECIPIENTS} recipients`] },
      ]);
    }
    const channel = content.channel;
    const field = ADDRESS_FIELD[channel];
    const missing = recipients.flatMap((r, i) =>
      r.to[field] ? [] : [{ field: `${cmd.recipientPath(i)}.${field}`, messages: [`${field} is required for ${channel}`] }],
    );
    if (missing.length) throw AppException.validation(`Recipient address missing for ${channel}`, missing.slice(0, 20));
    const sendAt = content.sendAt ? new Date(content.sendAt).toISOString() : null;

    await this.quotas.consume(tenantId, principal.planTier, recipients.length);
    try {
      const batchId = cmd.batch ? randomUUID() : null;
      let template: { id: string; key: string; version: number; content: Record<string, unknown> } | null = null;
      if (useTemplate) {
        const t = await this.templates.findOne(tenantId, { id: content.templateId, key: content.templateKey });
        if (!t) throw AppException.notFound('Template');
        const channelContent = t.channels[channel];
        if (!channelContent) throw AppException.unprocessable(`Template "${t.key}" has no ${channel} content`);
        template = { id: t.id, key: t.key, version: t.version, content: channelContent };
      }
      const news: NewDelivery[] = recipients.map((r) => {
        const data = r.data ? { ...(content.data ?? {}), ...r.data } : (content.data ?? null);
        return {
          user_id: r.to.userId ?? null,
          channel,
          recipient: { ...r.to } as Record<string, string>,
          address: normaliseAddress(channel, String(r.to[field])),
          template_id: template?.id ?? null,
          template_key: template?.key ?? null,
          template_version: template?.version ?? null,
          content: template ? this.renderer.render(template.content, data ?? {}) : rawContent(channel, content),
          data,
          category: content.category ?? null,
          priority: content.priority ?? 'normal',
          send_at: sendAt,
        };
      });
      const rows = await this.deliveries.insertMany(tenantId, news, actorOf(principal), batchId);
      for (const r of rows) this.metrics.deliveriesAccepted.inc({ channel, status: r.status });
      // Until the in-app worker exists, the inbox item is written at accept: tell the open streams (not awaited: it never fails the accept).
      if (channel === 'in_app') void this.inboxPublisher.deliveriesAccepted(tenantId, rows);
      return { batchId, deliveries: rows };
    } catch (err) {
      await this.quotas.refund(tenantId, principal.planTier, recipients.length);
      throw err;
    }
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
