import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PlanTier } from '#common';
import { mayHaveReachedPeer, type OutboundMessage, type ProviderAccount, type SendOutcome } from '../../../channels/channel-provider.js';
import { CHANNEL_REGISTRY } from '../../../channels/channel-registry.js';
import { ProviderRegistry, type ProviderPick } from '../../../channels/provider-registry.js';
import { ProviderAccounts } from '../../../provider-accounts/provider-accounts.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { DeliveriesRepository, type DeliveryRow, type Transition } from '../../../deliveries/deliveries.repository.js';
import { DeliveryPolicy } from '../../../deliveries/policy/delivery-policy.js';
import { PolicyFactsRepository } from '../../../deliveries/policy/policy-facts.repository.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { InboxPublisher } from '../../../notifications/inbox.publisher.js';
import { InboxRepository } from '../../../notifications/inbox.repository.js';
import { JobQueue } from '../../job-queue.js';
import { QuotaService } from '../../../quotas/quota.service.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { WebhookTargets } from '../../../webhook-endpoints/webhook-targets.js';
import { PushTarget } from '../../../channels/push/push-target.js';
import { PushTargets } from '../../../push-registrations/push-targets.js';
import { RetryPolicy } from '../../retry-policy.js';

type Prepared =
  | { kind: 'done' }
  | { kind: 'later'; at: Date }
  | { kind: 'send'; row: DeliveryRow; attempt: number; pick: ProviderPick; pinned: boolean; target?: unknown; account?: ProviderAccount }
  | { kind: 'stored-in-app'; row: DeliveryRow; seq: string };

/**
 * One delivery job: re-decides with the same policy as at accept (a suppression, an opt-out or a
 * paused quota added since wins), marks the delivery `sending` under a lease, calls the provider
 * outside any transaction, then records the attempt and the outcome: `sent`, a retry at the
 * backoff's time, or `failed`. A worker that dies mid-send leaves `sending`; the job runs again
 * once its lease is over and sends with the same idempotency key (webhook-id, Message-ID), so a
 * peer that deduplicates sees one message.
 *
 * Failover: each attempt goes to the first provider of the channel's list whose circuit breaker
 * lets it (ProviderRegistry.pick); a temporary failure is retried on the backoff and the retry
 * picks again, so it lands on the next provider once the first one's breaker has opened. Never
 * twice across the switch: a delivery that a provider may already hold (a crash mid-send, or a
 * timeout or lost connection: mayHaveReachedPeer) stays pinned to it, shown by `deliveries.provider`
 * kept while it waits for its retry (it is null while any provider may take it), and its retries
 * go only there with the same idempotency key, as they did before failover existed.
 */
@Injectable()
export class ProcessDeliveryUseCase {
  private readonly log = new Logger('worker');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveriesRepository,
    private readonly policy: DeliveryPolicy,
    private readonly facts: PolicyFactsRepository,
    private readonly quotas: QuotaService,
    private readonly queue: JobQueue,
    private readonly providers: ProviderRegistry,
    private readonly accounts: ProviderAccounts,
    private readonly webhookTargets: WebhookTargets,
    private readonly pushTargets: PushTargets,
    private readonly inbox: InboxRepository,
    private readonly inboxPublisher: InboxPublisher,
    private readonly retries: RetryPolicy,
    private readonly metrics: NotifyMetrics,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(tenantId: string, deliveryId: string): Promise<void> {
    // Shared with the other deliveries this worker takes up in the same turn (one BEGIN and COMMIT,
    // and one statement per kind, for all of them): prepare and record touch nothing but the database;
    // metrics and logs follow the commit.
    const step = await this.uow.shared(tenantId, (tx) => this.prepare(tx, deliveryId), { key: deliveryId });
    if (step.kind === 'later') {
      await this.uow.tenant(tenantId, async (tx) => {
        const row = await this.deliveries.lock(tx, deliveryId);
        if (row) await this.queue.enqueue(tx, { id: row.id, priority: row.priority, runAt: step.at });
      });
      return;
    }
    if (step.kind === 'stored-in-app') {
      this.metrics.providerAttempts.inc({ channel: step.row.channel, provider: 'inbox', outcome: 'sent' });
      await this.inboxPublisher.published(tenantId, step.row.user_id!, step.seq);
      return;
    }
    if (step.kind !== 'send') return;
    const { row, attempt, pick, account } = step;
    const started = performance.now();
    // Outside any transaction, through the provider's breaker (CIRCUIT_OPEN when none may send).
    const outcome = pick.kind === 'circuit_open' ? pick.outcome : await pick.circuit.send(this.message(row, attempt, account), step.target);
    const durationMs = Math.round(performance.now() - started);
    await this.uow.shared(
      tenantId,
      async (tx) => {
        await this.record(tx, row, attempt, pick.circuit.name, step.pinned, outcome, durationMs, account ? 'tenant' : 'platform');
        // Push fans out to several endpoints in one attempt: their results, and the gone ones removed.
        if (step.target instanceof PushTarget) await this.pushTargets.settle(tx, row.id, attempt, step.target);
      },
      { key: deliveryId },
    );
  }

  private async prepare(tx: Tx, id: string): Promise<Prepared> {
    const locked = await this.facts.lockWithFacts(tx, id);
    if (!locked) return { kind: 'done' };
    const { row } = locked;
    const now = new Date();
    if (row.status === 'sending' && row.next_attempt_at && row.next_attempt_at > now) {
      // Another worker holds it (or held it and died): come back when its lease ends.
      return { kind: 'later', at: row.next_attempt_at };
    }
    if (row.status === 'queued' && row.next_attempt_at && row.next_attempt_at.getTime() > now.getTime() + 500) {
      return { kind: 'later', at: row.next_attempt_at };
    }
    if (row.status !== 'queued' && row.status !== 'scheduled' && row.status !== 'sending') return { kind: 'done' };

    const dailyLimit = await this.quotas.dailyLimit(tx.tenantId, row.plan_tier as PlanTier);
    const decision = this.policy.decide(row, { ...locked.facts, dailyLimit }, now);
    if (decision.status === 'scheduled') return { kind: 'later', at: new Date(row.send_at!) };
    if (decision.status === 'suppressed' || decision.status === 'skipped') {
      await this.deliveries.transition(
        tx,
        id,
        decision.status,
        { status_reason: decision.reason, next_attempt_at: null },
        { detail: { at: 'send' } },
      );
      tx.afterCommit(() => this.metrics.deliveriesFinal.inc({ channel: row.channel, status: decision.status }));
      return { kind: 'done' };
    }

    const attempt = row.attempts + 1;
    const spec = CHANNEL_REGISTRY[row.channel];
    if (spec.sends === 'inbox') {
      const item = await this.inbox.store(tx, row);
      await this.deliveries.transition(tx, id, 'sent', { attempts: attempt, provider: 'inbox', sent_at: now, next_attempt_at: null });
      await this.deliveries.transition(tx, id, 'delivered', { delivered_at: now });
      return { kind: 'stored-in-app', row, seq: item.seq };
    }
    let target: unknown;
    if (spec.address === 'webhook-endpoint') {
      const t = await this.webhookTargets.resolve(tx, row.recipient);
      if (!t) {
        await this.deliveries.transition(tx, id, 'failed', {
          attempts: attempt,
          failed_at: now,
          status_reason: 'webhook endpoint no longer exists',
        });
        return { kind: 'done' };
      }
      target = t;
    }
    if (spec.address === 'push-token') target = await this.pushTargets.resolve(tx, row.recipient, now);
    // A delivery a provider may already hold stays with it: a crash mid-send leaves `sending`, an
    // ambiguous outcome leaves the provider on the queued row (record below); a replay starts afresh.
    const pinnedTo =
      row.status === 'sending' || (row.status === 'queued' && row.attempts > row.attempts_before_replay) ? row.provider : null;
    // The tenant's own account (decrypted for this send only) goes first to its provider's adapter.
    const own = await this.accounts.firstOf(tx, this.providers.accountProviders(row.channel));
    const pick = this.providers.pick(row.channel, pinnedTo, own?.provider);
    if (!pick) {
      await this.deliveries.transition(tx, id, 'failed', {
        attempts: attempt,
        failed_at: now,
        status_reason: `no provider for ${row.channel}`,
      });
      return { kind: 'done' };
    }
    const account = own && pick.circuit.provider.provider === own.provider ? own : undefined;
    const lease = new Date(now.getTime() + this.config.DELIVERY_SEND_LEASE * 1000);
    await this.deliveries.transition(
      tx,
      id,
      'sending',
      { attempts: attempt, provider: pick.circuit.name, next_attempt_at: lease },
      { detail: { attempt, provider: pick.circuit.name, account: account ? 'tenant' : 'platform' } },
    );
    return { kind: 'send', row, attempt, pick, pinned: !!pinnedTo && pinnedTo === pick.circuit.name, target, account };
  }

  private async record(
    tx: Tx,
    row: DeliveryRow,
    attempt: number,
    provider: string,
    pinned: boolean,
    outcome: SendOutcome,
    durationMs: number,
    account: 'tenant' | 'platform',
  ): Promise<void> {
    const now = new Date();
    const next = this.afterAttempt(row, attempt, provider, pinned, outcome, account, now);
    const recorded = await this.deliveries.recordAttempt(
      tx,
      {
        delivery_id: row.id,
        attempt,
        channel: row.channel,
        provider,
        outcome: outcome.kind,
        provider_message_id: outcome.kind === 'sent' ? outcome.providerMessageId : null,
        duration_ms: durationMs,
        error_code: outcome.kind === 'sent' ? null : outcome.code,
        error: outcome.kind === 'sent' ? null : outcome.error.slice(0, 1000),
      },
      // Only the attempt that owns the delivery moves it: a newer attempt (after a lease ran out) owns it now otherwise.
      { ...next, onlyIf: { status: 'sending', attempts: attempt } },
    );
    if (!recorded) return;
    tx.afterCommit(() => this.metrics.providerAttempts.inc({ channel: row.channel, provider, outcome: outcome.kind }));
    if (!recorded.moved) return;
    if (next.status === 'failed' && outcome.kind !== 'sent') {
      tx.afterCommit(() => this.log.warn(`delivery ${row.id} failed after attempt ${attempt}: ${outcome.code}`));
    }
    if (next.status === 'queued')
      await this.queue.enqueue(tx, { id: row.id, priority: row.priority, runAt: next.changes.next_attempt_at! });
  }

  /**
   * Where an attempt's outcome moves the delivery: `sent`; a retry at the backoff's time (`queued`);
   * or `failed` once the retries are spent or the refusal is permanent. The retry count starts again
   * after a replay (`attempts_before_replay`, unchanged while this attempt owns the delivery).
   */
  private afterAttempt(
    row: DeliveryRow,
    attempt: number,
    provider: string,
    pinned: boolean,
    outcome: SendOutcome,
    account: 'tenant' | 'platform',
    now: Date,
  ): Transition {
    if (outcome.kind === 'sent') {
      return {
        status: 'sent',
        changes: { sent_at: now, provider_message_id: outcome.providerMessageId, next_attempt_at: null, status_reason: null },
        // The provider's own facts (e.g. sms segments and encoding) beside ours, which they cannot overwrite.
        event: { detail: { ...outcome.detail, attempt, provider, account, providerMessageId: outcome.providerMessageId } },
      };
    }
    const delay =
      outcome.kind === 'temporary' ? this.retries.nextDelayMs(attempt - row.attempts_before_replay, outcome.retryAfterMs) : null;
    if (delay === null) {
      return {
        status: 'failed',
        changes: { failed_at: now, next_attempt_at: null, status_reason: `${outcome.code}: ${outcome.error}`.slice(0, 1000) },
        event: { detail: { attempt, provider, account, code: outcome.code, error: outcome.error.slice(0, 500), final: true } },
      };
    }
    const at = new Date(now.getTime() + delay);
    // The provider stays on the row (pinning the retries to it) only when it may hold the message.
    const keep = pinned || mayHaveReachedPeer(outcome);
    return {
      status: 'queued',
      changes: { next_attempt_at: at, status_reason: `${outcome.code}: ${outcome.error}`.slice(0, 1000), provider: keep ? provider : null },
      event: {
        type: 'retry_scheduled',
        detail: { attempt, provider, account, code: outcome.code, error: outcome.error.slice(0, 500), retryAt: at.toISOString() },
      },
    };
  }

  private message(row: DeliveryRow, attempt: number, account?: ProviderAccount): OutboundMessage {
    return {
      deliveryId: row.id,
      tenantId: row.tenant_id,
      channel: row.channel,
      attempt,
      address: row.address ?? '',
      recipient: row.recipient,
      content: row.content,
      data: row.data,
      category: row.category,
      createdAt: row.created_at,
      ...(account ? { account } : {}),
    };
  }
}
