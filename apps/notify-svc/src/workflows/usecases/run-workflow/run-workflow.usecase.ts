import { Inject, Injectable, Logger } from '@nestjs/common';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import { AppException, type Principal } from '#common';
import { nextLocalTime } from '../../../campaigns/local-time.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import type { RecipientDto } from '../../../deliveries/dtos/send-delivery.dto.js';
import type { Channel } from '../../../channels/channel-registry.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { ChannelStepSender } from '../../channel-step-sender.js';
import { evaluate, stepsOf, valueAt, type StepOutcome } from '../../conditions.js';
import {
  isChannelStep,
  seconds,
  type ChannelStep,
  type DelayStep,
  type DigestStep,
  type ThrottleStep,
  type WorkflowStep,
} from '../../workflow-definition.js';
import { WorkflowClock } from '../../workflow-clock.js';
import { WorkflowStepsRepository, type StepSlot } from '../../workflow-steps.repository.js';
import { enqueueWorkflowSteps } from '../../../jobs/job-queue.js';
import { WorkflowsRepository, type RunRow, type RunStatus, type RunStepRow } from '../../workflows.repository.js';

/** How many digested triggers' data a digest keeps (its count goes on). */
export const DIGEST_EVENTS_MAX = 100;
/** Steps one job runs in a row before it hands over to a new job (a long run of instant steps). */
const STEPS_PER_JOB = 25;

type Outcome = { kind: 'next' } | { kind: 'wait'; wakeAt: number } | { kind: 'end'; status: RunStatus; reason?: string };

/**
 * Runs a workflow run's steps: the `workflow_step` job's use case. One job, one transaction: the
 * run row is locked (FOR UPDATE) and must still be at the step the job was added for, so a job
 * that runs twice (a worker killed after the commit, two workers) finds nothing left to do. The
 * steps that follow without waiting run in the same transaction; a delay or a digest window ends it
 * with the run `waiting` and its next job scheduled (run_at), so waiting costs no worker. A channel
 * step's delivery is written through the accept path in this same transaction: the step is sent
 * exactly when the run moves past it.
 */
@Injectable()
export class RunWorkflowUseCase {
  private readonly log = new Logger('workflows');
  /**
   * A step's transaction holds a pool connection while the accept path may take a second one (the
   * PostgreSQL rate-limit store counting the quota): at most DB_POOL_SIZE - 2 steps at once in a
   * process, so a full pool can never leave every step waiting for a connection another holds.
   */
  private readonly slots: BulkheadPolicy;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly workflows: WorkflowsRepository,
    private readonly steps: WorkflowStepsRepository,
    private readonly sender: ChannelStepSender,
    private readonly clock: WorkflowClock,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {
    this.slots = bulkhead(Math.max(1, config.DB_POOL_SIZE - 2), Number.MAX_SAFE_INTEGER);
  }

  step(tenantId: string, runId: string, idx: number): Promise<void> {
    return this.slots.execute(() => this.runStep(tenantId, runId, idx));
  }

  private async runStep(tenantId: string, runId: string, idx: number): Promise<void> {
    await this.uow.tenant(tenantId, async (tx) => {
      const run = await this.workflows.lockRun(tx, runId);
      if (!run || run.step !== idx || (run.status !== 'running' && run.status !== 'waiting')) return;
      const def = await this.workflows.versionSteps(tx, run.workflow_id, run.version);
      if (!def) return;
      const done = await this.workflows.runSteps(tx, runId);
      let i = idx;
      for (let n = 0; n < STEPS_PER_JOB; n++) {
        if (i >= def.steps.length) return this.end(tx, run, i, 'completed');
        const step = def.steps[i]!;
        const existing = done.find((s) => s.idx === i);
        const now = this.clock.now();
        let outcome: Outcome;
        if (existing?.status === 'waiting') {
          outcome = await this.wake(tx, run, step, existing, now);
        } else if (existing) {
          // Already decided (cannot happen under the lock, but never decide a step twice).
          outcome = { kind: 'next' };
        } else if (step.if && !(await this.holds(tx, run, step, done))) {
          done.push(await this.record(tx, run, i, step, 'skipped', { reason: 'condition not met' }));
          outcome = { kind: 'next' };
        } else {
          outcome = await this.start(tx, run, i, step, def.category, done, now);
        }
        if (outcome.kind === 'end') return this.end(tx, run, i, outcome.status, outcome.reason);
        if (outcome.kind === 'wait') return this.wait(tx, run, i, outcome.wakeAt, now);
        i++;
      }
      // Many instant steps in a row: the rest in a new job (a transaction stays short).
      await this.steps.moveRun(tx, run.id, i, 'running');
      await enqueueWorkflowSteps(tx, [{ runId: run.id, idx: i }]);
    });
  }

  /** A step reached for the first time. */
  private async start(
    tx: Tx,
    run: RunRow,
    i: number,
    step: WorkflowStep,
    category: string | null,
    done: RunStepRow[],
    now: number,
  ): Promise<Outcome> {
    if (isChannelStep(step)) {
      done.push(await this.send(tx, run, i, step, category));
      return { kind: 'next' };
    }
    switch (step.type) {
      case 'delay': {
        const wakeAt = await this.delayUntil(tx, run, step, now);
        if (wakeAt <= now) {
          done.push(await this.record(tx, run, i, step, 'completed'));
          return { kind: 'next' };
        }
        await this.record(tx, run, i, step, 'waiting', { wakeAt });
        return { kind: 'wait', wakeAt };
      }
      case 'digest':
        return this.digest(tx, run, i, step, now);
      case 'throttle':
        return this.throttle(tx, run, i, step, now, done);
    }
  }

  /** A waiting step's job ran: too early (the clock moved less), or its time came. */
  private async wake(tx: Tx, run: RunRow, step: WorkflowStep, row: RunStepRow, now: number): Promise<Outcome> {
    const wakeAt = new Date(row.wake_at!).getTime();
    if (now < wakeAt) return { kind: 'wait', wakeAt };
    if (step.type === 'digest') {
      // The window closed: nobody joins any more; the next steps render once with every trigger.
      const d = await this.steps.closeDigest(tx, run.id);
      const digest = { count: d?.count ?? 1, events: [...(d?.events ?? [])].reverse() };
      run.digest = digest;
      await this.steps.saveRunDigest(tx, run.id, digest);
      await this.finish(tx, run.id, row.idx, 'completed', { detail: { count: digest.count } });
      return { kind: 'next' };
    }
    await this.finish(tx, run.id, row.idx, 'completed');
    return { kind: 'next' };
  }

  private async delayUntil(tx: Tx, run: RunRow, step: DelayStep, now: number): Promise<number> {
    if (step.for !== undefined) return now + seconds(step.for) * 1000;
    if (step.until !== undefined) {
      const v = valueAt({ data: run.data }, step.until);
      const t = typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN;
      // A missing or unreadable time does not hold the run: it goes on now.
      return Number.isFinite(t) ? t : now;
    }
    const tz = (await this.recipientTimezone(tx, run)) ?? step.defaultTimezone ?? 'UTC';
    return nextLocalTime(step.localTime!, tz, now);
  }

  private async recipientTimezone(tx: Tx, run: RunRow): Promise<string | null> {
    const r = run.recipient;
    if (!r['contactId'] && !r['externalId']) return null;
    return this.steps.contactTimezone(tx, r['contactId'] ? { contactId: r['contactId'] } : { externalId: r['externalId']! });
  }

  /**
   * The first trigger for (workflow, recipient, key) opens a digest and waits out its window; the
   * ones within the window join it (their data goes into its events) and end here as `digested`.
   * The open digest is unique per key (a partial unique index): two triggers at once cannot both
   * open one. A digest whose window passed before its job closed it takes no one: it is closed here.
   */
  private async digest(tx: Tx, run: RunRow, i: number, step: DigestStep, now: number): Promise<Outcome> {
    const key = step.key ? String(valueAt({ data: run.data }, step.key) ?? '') : '';
    const event = JSON.stringify(run.data ?? {});
    const closesAt = now + seconds(step.window) * 1000;
    const slot: StepSlot = { workflowId: run.workflow_id, stepIdx: i, recipientKey: run.recipient_key, key };
    for (let attempt = 0; attempt < 3; attempt++) {
      const opened = await this.steps.openDigest(tx, slot, run.id, event, new Date(closesAt));
      if (opened) {
        await this.record(tx, run, i, step, 'waiting', { wakeAt: closesAt, detail: { digestKey: key } });
        return { kind: 'wait', wakeAt: closesAt };
      }
      const joined = await this.steps.joinDigest(tx, slot, event, DIGEST_EVENTS_MAX, new Date(now));
      if (joined) {
        await this.record(tx, run, i, step, 'digested', { detail: { into: joined.run_id, position: joined.count } });
        return { kind: 'end', status: 'digested', reason: `joined the digest of run ${joined.run_id}` };
      }
      // An open digest whose window has passed: closed for newcomers (its own job still sends it).
      await this.steps.closeExpiredDigest(tx, slot, new Date(now));
    }
    throw new Error('digest: could not open or join (contention); the job retries');
  }

  /** At most `limit` runs per recipient (and key) pass in any `window`; the others end `throttled`. */
  private async throttle(tx: Tx, run: RunRow, i: number, step: ThrottleStep, now: number, done: RunStepRow[]): Promise<Outcome> {
    const key = step.key ? String(valueAt({ data: run.data }, step.key) ?? '') : '';
    const slot: StepSlot = { workflowId: run.workflow_id, stepIdx: i, recipientKey: run.recipient_key, key };
    // Serialises the count-then-insert of one (workflow, step, recipient, key) across workers.
    await this.steps.lockThrottle(tx, slot);
    const since = new Date(now - seconds(step.window) * 1000);
    if ((await this.steps.throttleHitsSince(tx, slot, since)) >= step.limit) {
      await this.record(tx, run, i, step, 'throttled', { reason: `${step.limit} per ${step.window} reached` });
      return { kind: 'end', status: 'throttled', reason: `throttled: ${step.limit} per ${step.window}` };
    }
    await this.steps.addThrottleHit(tx, slot, run.id, new Date(now));
    done.push(await this.record(tx, run, i, step, 'completed'));
    return { kind: 'next' };
  }

  /**
   * A channel step: one delivery through the accept path, in a savepoint so that a refusal (no
   * address for the channel, a missing template, the quota) fails this step only, with the reason.
   */
  private async send(tx: Tx, run: RunRow, i: number, step: ChannelStep, category: string | null): Promise<RunStepRow> {
    const channel = step.type as Channel;
    if (category && (await this.optedOutOfWorkflow(tx, run, channel))) {
      return this.record(tx, run, i, step, 'skipped', { reason: 'recipient turned this workflow off' });
    }
    const data = run.digest ? { ...run.data, digest: run.digest } : run.data;
    await tx.exec('SAVEPOINT workflow_step');
    try {
      const deliveries = await this.sender.deliver({
        principal: run.principal as unknown as Principal,
        channel,
        to: run.recipient as RecipientDto,
        templateKey: step.templateKey,
        content: step.content,
        data,
        category: category ?? workflowCategory(run.workflow_key),
      });
      await tx.exec('RELEASE SAVEPOINT workflow_step');
      const status = deliveries.every((d) => d.status === 'suppressed')
        ? 'suppressed'
        : deliveries.every((d) => d.status === 'skipped')
          ? 'skipped'
          : 'sent';
      return this.record(tx, run, i, step, status, {
        deliveryIds: deliveries.map((d) => d.id),
        reason: status === 'sent' ? undefined : (deliveries[0]?.status_reason ?? undefined),
      });
    } catch (err) {
      if (!(err instanceof AppException)) throw err;
      await tx.exec('ROLLBACK TO SAVEPOINT workflow_step');
      this.log.debug(`workflow run ${run.id} step ${i}: ${err.message}`);
      return this.record(tx, run, i, step, 'failed', { reason: err.message.slice(0, 500), detail: { code: err.code } });
    }
  }

  /** Per-workflow preferences, for a workflow with a category of its own (else the category is the workflow's: the policy applies it). */
  private async optedOutOfWorkflow(tx: Tx, run: RunRow, channel: Channel): Promise<boolean> {
    const userId = run.recipient['userId'];
    if (!userId) return false;
    const c = await this.steps.preferenceOf(tx, userId, workflowCategory(run.workflow_key));
    return c?.[channel] === false || c?.['all'] === false;
  }

  /** Whether a step's `if` holds: data, recipient and digest by path; earlier steps' outcomes from their deliveries. */
  private async holds(tx: Tx, run: RunRow, step: WorkflowStep, done: RunStepRow[]): Promise<boolean> {
    const asked = stepsOf(step.if!);
    const rows = done.filter((s) => asked.includes(s.name));
    const ids = rows.flatMap((s) => s.delivery_ids);
    const facts = ids.length ? await this.steps.deliveryFacts(tx, ids) : [];
    const outcome = (name: string, is: StepOutcome): boolean => {
      const row = rows.find((s) => s.name === name);
      if (!row) return is === 'unseen' || is === 'unread';
      const ds = facts.filter((f) => row.delivery_ids.includes(f.id));
      switch (is) {
        case 'seen':
          return ds.some((d) => d.seen);
        case 'unseen':
          return !ds.some((d) => d.seen);
        case 'read':
          return ds.some((d) => d.read);
        case 'unread':
          return !ds.some((d) => d.read);
        case 'sent':
          return ds.some((d) => d.status === 'sent' || d.status === 'delivered');
        case 'delivered':
          return ds.some((d) => d.status === 'delivered');
        case 'failed':
          return row.status === 'failed' || ds.some((d) => d.status === 'failed' || d.status === 'bounced');
        case 'suppressed':
          return row.status === 'suppressed';
        case 'skipped':
          return row.status === 'skipped';
      }
    };
    return evaluate(step.if!, {
      values: { data: run.data, recipient: run.recipient, digest: run.digest ?? { count: 0, events: [] } },
      outcome,
    });
  }

  private async record(
    tx: Tx,
    run: RunRow,
    i: number,
    step: WorkflowStep,
    status: string,
    o: { reason?: string; deliveryIds?: string[]; wakeAt?: number; detail?: Record<string, unknown> } = {},
  ): Promise<RunStepRow> {
    return this.steps.insertStep(tx, run.id, { idx: i, name: step.name, type: step.type, status }, o);
  }

  private async finish(tx: Tx, runId: string, idx: number, status: string, o: { detail?: Record<string, unknown> } = {}): Promise<void> {
    await this.steps.finishStep(tx, runId, idx, status, o.detail);
  }

  /** The run waits at step `i`: its job comes back at the wake time (at most WORKFLOW_POLL_INTERVAL away, so a moved clock is seen). */
  private async wait(tx: Tx, run: RunRow, i: number, wakeAt: number, now: number): Promise<void> {
    await this.steps.moveRun(tx, run.id, i, 'waiting');
    const inMs = Math.max(0, Math.min(wakeAt - now, this.config.WORKFLOW_POLL_INTERVAL * 1000));
    await enqueueWorkflowSteps(tx, [{ runId: run.id, idx: i, runAt: new Date(Date.now() + inMs) }]);
  }

  private async end(tx: Tx, run: RunRow, i: number, status: RunStatus, reason?: string): Promise<void> {
    await this.steps.endRun(tx, run.id, i, status, reason ?? null);
  }
}

/** The preference category of a workflow without one of its own: `workflow.<key>` (a user turns it off per channel or `all`). */
export const workflowCategory = (key: string) => `workflow.${key}`.slice(0, 64);
