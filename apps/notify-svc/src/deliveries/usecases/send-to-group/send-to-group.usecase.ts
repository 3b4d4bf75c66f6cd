import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { ContactTargets } from '../../../contacts/contact-targets.js';
import { ContactsRepository } from '../../../contacts/contacts.repository.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { AcceptPipeline, contentFields } from '../../accept/accept-pipeline.js';
import type { RecipientDto } from '../../dtos/send-delivery.dto.js';
import { GroupSendsRepository } from '../../group-sends.repository.js';

/**
 * The job behind `POST /deliveries` to a group larger than one batch. Each round locks the send,
 * takes the next page of the group's audience after its cursor (ContactsRepository.audiencePage,
 * the expansion campaigns use too), accepts their deliveries through the AcceptPipeline (policy,
 * quota, queue jobs: one batch id for the whole send) and moves the cursor, all in one transaction:
 * a job killed mid-way resumes after the last committed page and no contact gets two deliveries.
 * A dynamic group's filter is evaluated as the expansion goes.
 */
@Injectable()
export class SendToGroupUseCase {
  private readonly log = new Logger('group-send');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly groupSends: GroupSendsRepository,
    private readonly contacts: ContactsRepository,
    private readonly targets: ContactTargets,
    private readonly pipeline: AcceptPipeline,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async run(tenantId: string, sendId: string): Promise<void> {
    while (await this.round(tenantId, sendId));
  }

  private round(tenantId: string, sendId: string): Promise<boolean> {
    return this.uow.tenant(tenantId, async (tx) => {
      const s = await this.groupSends.lockExpanding(tx, sendId);
      if (!s) return false;
      const group = await this.contacts.findGroup(tx, s.group_id);
      const finish = (status: 'done' | 'failed', error: string | null) => this.groupSends.finish(tx, sendId, status, error);
      if (!group) {
        await finish('failed', 'the group was deleted');
        return false;
      }
      const members = await this.contacts.audiencePage(tx, { groups: [group] }, this.config.BATCH_MAX_RECIPIENTS, s.cursor_id);
      if (!members.length) {
        await finish('done', null);
        this.log.log(`group send ${sendId} expanded`);
        return false;
      }
      const { content, principal } = s;
      const recipients = members.flatMap((c) => {
        const to: RecipientDto | null = this.targets.address(c, content.channel);
        return to ? [{ to }] : [];
      });
      if (recipients.length) {
        await this.pipeline.accept(tx, {
          ...contentFields(content),
          ...(content.pinnedTemplate ? { source: { template: content.pinnedTemplate } } : {}),
          recipients,
          batchId: sendId,
          createdBy: actorOf(principal),
          planTier: principal.planTier,
          onInvalid: 'reject',
        });
      }
      const last = members[members.length - 1]!;
      await this.groupSends.advance(tx, sendId, {
        cursorAt: last.created_at,
        cursorId: last.id,
        queued: recipients.length,
        withoutAddress: members.length - recipients.length,
      });
      return true;
    });
  }
}
