import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppException, type Principal } from '#common';
import { CHANNEL_REGISTRY } from '../../../channels/channel-registry.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { ContactTargets } from '../../../contacts/contact-targets.js';
import { JobQueue } from '../../../jobs/job-queue.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { AcceptPipeline, contentFields } from '../../accept/accept-pipeline.js';
import type { DeliveryRow } from '../../deliveries.repository.js';
import { GroupSendsRepository } from '../../group-sends.repository.js';
import type { DeliveryContentDto, RecipientDto } from '../../dtos/send-delivery.dto.js';

export interface SendCommand {
  principal: Principal;
  content: DeliveryContentDto;
  recipients: Array<{ to: RecipientDto; data?: Record<string, unknown> }>;
  batch: boolean;
  /** Field path of the recipients in the request, for error details. */
  recipientPath: (i: number) => string;
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

/**
 * `POST /deliveries` (one, a batch, or a group): checks the content source, turns contacts and a
 * small group into concrete recipients (a large group becomes a durable expansion job), then hands
 * the batch to the AcceptPipeline in one tenant transaction (joined by the request's
 * Idempotency-Key record, when there is one). Nothing is written when anything fails.
 */
@Injectable()
export class SendDeliveriesUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly groupSends: GroupSendsRepository,
    private readonly pipeline: AcceptPipeline,
    private readonly queue: JobQueue,
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
    if (ContactTargets.involved(recipients)) {
      const r = await this.contactTargets.resolve(tenantId, content.channel, recipients, cmd.recipientPath, {
        batch: cmd.batch,
        max: this.config.BATCH_MAX_RECIPIENTS,
      });
      recipients = r.recipients;
      if (r.largeGroup !== undefined) {
        // More than one batch: a durable job expands it, 1,000 contacts per transaction.
        const batchId = randomUUID();
        await this.uow.tenant(tenantId, async (tx) => {
          // The template version is pinned now: every chunk renders the same one, as a campaign's do.
          const pinnedTemplate = useTemplate
            ? await this.pipeline.pinTemplate(tx, content.channel, { id: content.templateId, key: content.templateKey })
            : undefined;
          await this.groupSends.insert(tx, {
            id: batchId,
            groupId: r.groupId!,
            content: { ...content, pinnedTemplate },
            principal,
            targeted: r.largeGroup!,
          });
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
    const batchId = cmd.batch || group ? randomUUID() : null;
    // The quota is counted before the transaction takes its connection (the quota store may need one).
    const quota = await this.pipeline.reserve(tenantId, principal.planTier, recipients.length);
    try {
      // Concurrent accepts of a tenant share one transaction (one BEGIN and COMMIT for many); one that
      // fails is answered alone after its neighbours run again without it (UnitOfWork.shared).
      const { deliveries } = await this.uow.shared(tenantId, (tx) =>
        this.pipeline.accept(tx, {
          ...contentFields(content),
          recipients,
          batchId,
          createdBy: actorOf(principal),
          planTier: principal.planTier,
          onInvalid: 'reject',
          recipientPath: cmd.recipientPath,
          quota,
        }),
      );
      return { batchId, deliveries, group };
    } catch (err) {
      await this.pipeline.release(quota);
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
    if (!useTemplate && CHANNEL_REGISTRY[c.channel].subjectRequired && !c.subject) {
      throw AppException.validation(`subject is required for ${c.channel} without a template`, [
        { field: 'subject', messages: [`subject is required for ${c.channel}`] },
      ]);
    }
  }
}
