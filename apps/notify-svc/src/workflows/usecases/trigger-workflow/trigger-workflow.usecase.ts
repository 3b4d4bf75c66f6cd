import { Inject, Injectable } from '@nestjs/common';
import { AppException, createValidationPipe, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { ContactsRepository } from '../../../contacts/contacts.repository.js';
import { RecipientDto } from '../../../deliveries/dtos/send-delivery.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { TriggerWorkflowDto } from '../../dtos/workflow.dto.js';
import { enqueueWorkflowSteps } from '../../../jobs/job-queue.js';
import { loadWorkflow } from '../../workflow-lookup.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

const REFS = ['contactId', 'externalId', 'groupId'] as const;

/**
 * POST /workflows/:key/trigger: one run per recipient (a group: one per contact), each pinned to the
 * workflow's current version, with its first step's job, in one transaction (joined by the
 * Idempotency-Key record). The same transactionId triggers a recipient once: the run it made is
 * answered again (`deduplicated: true`).
 */
@Injectable()
export class TriggerWorkflowUseCase {
  private readonly validation = createValidationPipe();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly workflows: WorkflowsRepository,
    private readonly contacts: ContactsRepository,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(p: Principal, key: string, dto: TriggerWorkflowDto, rawTo: unknown) {
    const recipients = await this.recipients(rawTo);
    const principal = {
      kind: p.kind,
      userId: p.userId,
      tenantId: p.tenantId,
      roles: p.roles,
      scopes: p.scopes,
      planTier: p.planTier,
      credentialId: p.credentialId,
    };
    return this.uow.tenant(p.tenantId!, async (tx) => {
      const w = await loadWorkflow(this.workflows, tx, key);
      let list: Array<Record<string, string>> = recipients;
      const groupIdx = recipients.findIndex((r) => r['groupId']);
      if (groupIdx >= 0) {
        const field = `to${Array.isArray(rawTo) ? `[${groupIdx}]` : ''}.groupId`;
        const group = await this.contacts.findGroup(tx, recipients[groupIdx]!['groupId']!.toLowerCase());
        if (!group) throw AppException.unprocessable('No group of this tenant has this id', [{ field, messages: ['unknown group'] }]);
        const max = this.config.BATCH_MAX_RECIPIENTS;
        const members = await this.contacts.audiencePage(tx, { groups: [group] }, max + 1);
        if (members.length > max) {
          throw AppException.unprocessable(`A trigger reaches at most ${max} recipients`, [
            { field, messages: [`the group has more than ${max} contacts`] },
          ]);
        }
        list = [...recipients.filter((r) => !r['groupId']), ...members.map((c) => ({ contactId: c.id }))];
      }
      if (list.length > this.config.BATCH_MAX_RECIPIENTS) {
        throw AppException.validation('Too many recipients', [
          { field: 'to', messages: [`at most ${this.config.BATCH_MAX_RECIPIENTS} recipients`] },
        ]);
      }
      const rows = list.map((to) => ({ to, key: recipientKey(to) }));
      const made = await this.workflows.insertRuns(tx, w, rows, {
        data: dto.data ?? {},
        transactionId: dto.transactionId ?? null,
        principal,
      });
      await enqueueWorkflowSteps(
        tx,
        made.filter((m) => m.created).map((m) => ({ runId: m.id, idx: 0 })),
      );
      const byKey = new Map(made.map((m) => [m.recipient_key, m]));
      return {
        workflowKey: w.key,
        workflowVersion: w.version,
        transactionId: dto.transactionId ?? null,
        runs: [...new Set(rows.map((r) => r.key))].map((k) => {
          const m = byKey.get(k)!;
          return { id: m.id, recipient: rows.find((r) => r.key === k)!.to, deduplicated: !m.created };
        }),
      };
    });
  }

  /** `to` as one recipient or an array, each checked like a delivery's `to` (field names prefixed). */
  private async recipients(raw: unknown): Promise<Array<Record<string, string>>> {
    if (raw === undefined) throw AppException.validation('to is required', [{ field: 'to', messages: ['to is required'] }]);
    const many = Array.isArray(raw);
    const list = many ? (raw as unknown[]) : [raw];
    if (!list.length || list.length > this.config.BATCH_MAX_RECIPIENTS) {
      throw AppException.validation('Invalid to', [
        { field: 'to', messages: [`must hold 1 to ${this.config.BATCH_MAX_RECIPIENTS} recipients`] },
      ]);
    }
    const out: Array<Record<string, string>> = [];
    for (const [i, item] of list.entries()) {
      const at = many ? `to[${i}]` : 'to';
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        throw AppException.validation('Invalid to', [{ field: at, messages: ['must be an object'] }]);
      let dto: RecipientDto;
      try {
        dto = (await this.validation.transform({ ...item }, { type: 'body', metatype: RecipientDto })) as RecipientDto;
      } catch (err) {
        if (!(err instanceof AppException)) throw err;
        const details = (err.details as Array<{ field: string; messages: string[] }> | undefined) ?? [];
        throw AppException.validation(
          'Invalid to',
          details.map((d) => ({ field: `${at}.${d.field}`, messages: d.messages })),
        );
      }
      const to = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Record<string, string>;
      if (!Object.keys(to).length)
        throw AppException.validation('Invalid to', [{ field: at, messages: ['give an address, contactId, externalId or groupId'] }]);
      const ref = REFS.find((k) => to[k] !== undefined);
      if (ref && Object.keys(to).length > 1)
        throw AppException.validation('Invalid to', [{ field: `${at}.${ref}`, messages: [`${ref} stands alone`] }]);
      if (ref === 'groupId' && list.filter((x) => (x as Record<string, unknown>)['groupId'] !== undefined).length > 1) {
        throw AppException.validation('Invalid to', [{ field: `${at}.groupId`, messages: ['one group per trigger'] }]);
      }
      if (to['email']) to['email'] = to['email'].trim().toLowerCase();
      if (to['contactId']) to['contactId'] = to['contactId'].toLowerCase();
      if (to['userId']) to['userId'] = to['userId'].toLowerCase();
      out.push(to);
    }
    return out;
  }
}

/** Who a run is for, as digests and throttles count: the user, else the contact, else the address. */
export function recipientKey(to: Record<string, string>): string {
  for (const k of ['userId', 'contactId', 'externalId', 'email', 'phone', 'deviceToken', 'endpointId', 'url']) {
    if (to[k]) return `${k}:${to[k]}`;
  }
  return 'none';
}
