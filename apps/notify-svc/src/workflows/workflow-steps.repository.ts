import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import type { RunStatus, RunStepRow } from './workflows.repository.js';

/** Where a digest or a throttle counts: one workflow step for one recipient and key. */
export interface StepSlot {
  workflowId: string;
  stepIdx: number;
  recipientKey: string;
  key: string;
}

/** What the step runner reads and writes, in the job's tenant transaction: steps, run positions, digests, throttle hits. */
@Injectable()
export class WorkflowStepsRepository {
  /** The run's position: at step `step`, running (a new job goes on) or waiting (its job comes back at the wake time). */
  async moveRun(tx: Tx, runId: string, step: number, status: 'running' | 'waiting'): Promise<void> {
    await tx.exec(`UPDATE workflow_runs SET step = $3, status = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tx.tenantId,
      runId,
      step,
      status,
    ]);
  }

  async endRun(tx: Tx, runId: string, step: number, status: RunStatus, reason: string | null): Promise<void> {
    await tx.exec(
      `UPDATE workflow_runs SET step = $3, status = $4, status_reason = $5, updated_at = now(), ended_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, runId, step, status, reason],
    );
  }

  async insertStep(
    tx: Tx,
    runId: string,
    s: { idx: number; name: string; type: string; status: string },
    o: { reason?: string; deliveryIds?: string[]; wakeAt?: number; detail?: Record<string, unknown> },
  ): Promise<RunStepRow> {
    const row = await tx.one<RunStepRow>(
      `INSERT INTO workflow_run_steps (tenant_id, run_id, idx, name, type, status, reason, delivery_ids, detail, wake_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10, CASE WHEN $6 = 'waiting' THEN NULL ELSE now() END)
       RETURNING idx, name, type, status, reason, delivery_ids::text[] AS delivery_ids, detail, started_at, wake_at, ended_at`,
      [
        tx.tenantId,
        runId,
        s.idx,
        s.name,
        s.type,
        s.status,
        o.reason ?? null,
        o.deliveryIds ?? [],
        o.detail ? JSON.stringify(o.detail) : null,
        o.wakeAt !== undefined ? new Date(o.wakeAt) : null,
      ],
      'workflow_step_insert',
    );
    return row!;
  }

  /** A waiting step ends: its status, and `detail` merged into its own. */
  async finishStep(tx: Tx, runId: string, idx: number, status: string, detail?: Record<string, unknown>): Promise<void> {
    await tx.exec(
      `UPDATE workflow_run_steps SET status = $4, ended_at = now(), detail = coalesce(detail, '{}'::jsonb) || coalesce($5::jsonb, '{}'::jsonb)
       WHERE tenant_id = $1 AND run_id = $2 AND idx = $3`,
      [tx.tenantId, runId, idx, status, detail ? JSON.stringify(detail) : null],
    );
  }

  /** The contact's timezone, by id or external id. */
  async contactTimezone(tx: Tx, ref: { contactId: string } | { externalId: string }): Promise<string | null> {
    const row = await tx.one<{ timezone: string | null }>(
      'contactId' in ref
        ? `SELECT timezone FROM contacts WHERE tenant_id = $1 AND id = $2::uuid`
        : `SELECT timezone FROM contacts WHERE tenant_id = $1 AND external_id = $2`,
      [tx.tenantId, 'contactId' in ref ? ref.contactId : ref.externalId],
    );
    return row?.timezone ?? null;
  }

  /** Opens the digest of the slot for this run (undefined when one is open already: the partial unique index). */
  openDigest(tx: Tx, s: StepSlot, runId: string, event: string, closesAt: Date): Promise<{ id: string } | undefined> {
    return tx.one<{ id: string }>(
      `INSERT INTO workflow_digests (tenant_id, workflow_id, step_idx, recipient_key, digest_key, run_id, events, closes_at)
       VALUES ($1, $2, $3, $4, $5, $6, jsonb_build_array($7::jsonb), $8)
       ON CONFLICT (tenant_id, workflow_id, step_idx, recipient_key, digest_key) WHERE open DO NOTHING RETURNING id`,
      [tx.tenantId, s.workflowId, s.stepIdx, s.recipientKey, s.key, runId, event, closesAt],
      'workflow_digest_open',
    );
  }

  /** Joins the slot's open digest whose window has not passed (its events keep the last `maxEvents`). */
  joinDigest(tx: Tx, s: StepSlot, event: string, maxEvents: number, now: Date): Promise<{ run_id: string; count: number } | undefined> {
    return tx.one<{ run_id: string; count: number }>(
      `UPDATE workflow_digests
       SET count = count + 1,
           events = CASE WHEN jsonb_array_length(events) >= $7 THEN (events - 0) || jsonb_build_array($6::jsonb) ELSE events || jsonb_build_array($6::jsonb) END
       WHERE tenant_id = $1 AND workflow_id = $2 AND step_idx = $3 AND recipient_key = $4 AND digest_key = $5 AND open AND closes_at > $8
       RETURNING run_id, count`,
      [tx.tenantId, s.workflowId, s.stepIdx, s.recipientKey, s.key, event, maxEvents, now],
      'workflow_digest_join',
    );
  }

  /** Closes the slot's open digest whose window has passed, for newcomers. */
  async closeExpiredDigest(tx: Tx, s: StepSlot, now: Date): Promise<void> {
    await tx.exec(
      `UPDATE workflow_digests SET open = false
       WHERE tenant_id = $1 AND workflow_id = $2 AND step_idx = $3 AND recipient_key = $4 AND digest_key = $5 AND open AND closes_at <= $6`,
      [tx.tenantId, s.workflowId, s.stepIdx, s.recipientKey, s.key, now],
    );
  }

  /** Closes the run's digest: what it gathered. */
  closeDigest(tx: Tx, runId: string): Promise<{ count: number; events: unknown[] } | undefined> {
    return tx.one<{ count: number; events: unknown[] }>(
      `UPDATE workflow_digests SET open = false WHERE tenant_id = $1 AND run_id = $2 RETURNING count, events`,
      [tx.tenantId, runId],
      'workflow_digest_close',
    );
  }

  async saveRunDigest(tx: Tx, runId: string, digest: { count: number; events: unknown[] }): Promise<void> {
    await tx.exec(`UPDATE workflow_runs SET digest = $3 WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, runId, JSON.stringify(digest)]);
  }

  /** Serialises the count-then-insert of one throttle slot across workers (a transaction-level advisory lock). */
  async lockThrottle(tx: Tx, s: StepSlot): Promise<void> {
    await tx.exec('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `workflow_throttle:${tx.tenantId}:${s.workflowId}:${s.stepIdx}:${s.recipientKey}:${s.key}`,
    ]);
  }

  async throttleHitsSince(tx: Tx, s: StepSlot, since: Date): Promise<number> {
    const r = await tx.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM workflow_throttle_hits
       WHERE tenant_id = $1 AND workflow_id = $2 AND step_idx = $3 AND recipient_key = $4 AND throttle_key = $5 AND at > $6`,
      [tx.tenantId, s.workflowId, s.stepIdx, s.recipientKey, s.key, since],
    );
    return r?.n ?? 0;
  }

  async addThrottleHit(tx: Tx, s: StepSlot, runId: string, at: Date): Promise<void> {
    await tx.exec(
      `INSERT INTO workflow_throttle_hits (tenant_id, workflow_id, step_idx, recipient_key, throttle_key, run_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tx.tenantId, s.workflowId, s.stepIdx, s.recipientKey, s.key, runId, at],
    );
  }

  /** The user's per-channel choices for a preference category (null when none). */
  async preferenceOf(tx: Tx, userId: string, category: string): Promise<Record<string, boolean> | null> {
    const p = await tx.one<{ c: Record<string, boolean> | null }>(
      `SELECT categories -> $3 AS c FROM preferences WHERE tenant_id = $1 AND user_id = $2::uuid`,
      [tx.tenantId, userId, category],
      'workflow_preferences',
    );
    return p?.c ?? null;
  }

  /** Each delivery's status and whether its inbox notification was seen or read. */
  deliveryFacts(tx: Tx, ids: string[]): Promise<Array<{ id: string; status: string; seen: boolean; read: boolean }>> {
    return tx.rows<{ id: string; status: string; seen: boolean; read: boolean }>(
      `SELECT d.id, d.status, bool_or(n.seen_at IS NOT NULL OR n.read_at IS NOT NULL) AS seen, bool_or(n.read_at IS NOT NULL) AS read
       FROM deliveries d LEFT JOIN notifications n ON n.tenant_id = d.tenant_id AND n.delivery_id = d.id
       WHERE d.tenant_id = $1 AND d.id = ANY($2::uuid[]) GROUP BY d.id, d.status`,
      [tx.tenantId, ids],
    );
  }
}
