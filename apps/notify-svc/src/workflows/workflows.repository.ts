import { Injectable } from '@nestjs/common';
import { newestFirst, type IsoDates, type Page } from '#common';
import { ownRows, UnitOfWork, type Tx } from '../database/unit-of-work.js';
import type { WorkflowStep } from './workflow-definition.js';

export interface WorkflowRow {
  id: string;
  tenant_id: string;
  key: string;
  name: string;
  description: string | null;
  category: string | null;
  steps: WorkflowStep[];
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface WorkflowFields {
  key: string;
  name: string;
  description: string | null;
  category: string | null;
  steps: WorkflowStep[];
}

export type RunStatus = 'running' | 'waiting' | 'completed' | 'cancelled' | 'throttled' | 'digested' | 'failed';

export interface RunRow {
  id: string;
  tenant_id: string;
  workflow_id: string;
  workflow_key: string;
  version: number;
  recipient: Record<string, string>;
  recipient_key: string;
  data: Record<string, unknown>;
  transaction_id: string | null;
  principal: Record<string, unknown>;
  status: RunStatus;
  status_reason: string | null;
  step: number;
  digest: { count: number; events: unknown[] } | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

export interface RunStepRow {
  idx: number;
  name: string;
  type: string;
  status: string;
  reason: string | null;
  delivery_ids: string[];
  detail: Record<string, unknown> | null;
  started_at: Date;
  wake_at: Date | null;
  ended_at: Date | null;
}

/** One saved version of a workflow's definition. */
export interface WorkflowVersionRow {
  version: number;
  name: string;
  description: string | null;
  category: string | null;
  steps: WorkflowStep[];
  created_by: string;
  created_at: Date;
}

const COLS = 'id, tenant_id, key, name, description, category, steps, version, created_by, created_at, updated_at';
export const RUN_COLS =
  'id, tenant_id, workflow_id, workflow_key, version, recipient, recipient_key, data, transaction_id, principal, status, status_reason, step, digest, created_at, updated_at, ended_at';
const STEP_COLS = 'idx, name, type, status, reason, delivery_ids::text[] AS delivery_ids, detail, started_at, wake_at, ended_at';

/** Workflows, their versions and runs; every statement filters by the tenant (and RLS enforces it). */
@Injectable()
export class WorkflowsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  create(tenantId: string, w: WorkflowFields, by: string): Promise<WorkflowRow | undefined> {
    return this.uow.tenant(tenantId, async (tx) => {
      const row = await tx.one<WorkflowRow>(
        `INSERT INTO workflows (tenant_id, key, name, description, category, steps, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, key) DO NOTHING RETURNING ${COLS}`,
        [tenantId, w.key, w.name, w.description, w.category, JSON.stringify(w.steps), by],
      );
      if (row) await this.snapshot(tx, row, by);
      return row;
    });
  }

  /** A new version (PUT replaces the whole definition; the key stays). */
  replace(tenantId: string, key: string, w: Omit<WorkflowFields, 'key'>, by: string): Promise<WorkflowRow | undefined> {
    return this.uow.tenant(tenantId, async (tx) => {
      const row = await tx.one<WorkflowRow>(
        `UPDATE workflows SET name = $3, description = $4, category = $5, steps = $6, version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND key = $2 RETURNING ${COLS}`,
        [tenantId, key, w.name, w.description, w.category, JSON.stringify(w.steps)],
      );
      if (row) await this.snapshot(tx, row, by);
      return row;
    });
  }

  private async snapshot(tx: Tx, row: WorkflowRow, by: string): Promise<void> {
    await tx.exec(
      `INSERT INTO workflow_versions (tenant_id, workflow_id, version, name, description, category, steps, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.tenant_id, row.id, row.version, row.name, row.description, row.category, JSON.stringify(row.steps), by],
    );
  }

  /** Deletes the workflow, its versions and its runs (their deliveries stay); waiting jobs find no run and end. */
  async remove(tenantId: string, key: string): Promise<boolean> {
    return (
      (await this.uow.tenant(tenantId, (tx) => tx.exec('DELETE FROM workflows WHERE tenant_id = $1 AND key = $2', [tenantId, key]))) > 0
    );
  }

  find(tx: Tx, key: string): Promise<WorkflowRow | undefined> {
    return tx.one<WorkflowRow>(`SELECT ${COLS} FROM workflows WHERE tenant_id = $1 AND key = $2`, [tx.tenantId, key], 'workflows_by_key');
  }

  get(tenantId: string, key: string): Promise<WorkflowRow | undefined> {
    return this.uow.tenant(tenantId, (tx) => this.find(tx, key), { readOnly: true });
  }

  list(tenantId: string, limit: number, cursor?: string): Promise<Page<IsoDates<WorkflowRow>>> {
    return this.uow.tenant(
      tenantId,
      (tx) => newestFirst<WorkflowRow>(tx, { from: 'workflows', cols: COLS, ...ownRows(tx), limit, cursor }),
      {
        readOnly: true,
      },
    );
  }

  /** Every version of the workflow `key`, newest first; empty when there is no such workflow. */
  versions(tenantId: string, key: string): Promise<WorkflowVersionRow[]> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.rows<WorkflowVersionRow>(
          `SELECT v.version, v.name, v.description, v.category, v.steps, v.created_by, v.created_at
             FROM workflow_versions v JOIN workflows w ON w.tenant_id = v.tenant_id AND w.id = v.workflow_id
            WHERE w.tenant_id = $1 AND w.key = $2 ORDER BY v.version DESC`,
          [tenantId, key],
        ),
      { readOnly: true },
    );
  }

  /** The steps of the version a run started with. */
  async versionSteps(tx: Tx, workflowId: string, version: number): Promise<{ steps: WorkflowStep[]; category: string | null } | undefined> {
    return tx.one(
      `SELECT steps, category FROM workflow_versions WHERE tenant_id = $1 AND workflow_id = $2 AND version = $3`,
      [tx.tenantId, workflowId, version],
      'workflow_version_steps',
    );
  }

  lockRun(tx: Tx, id: string): Promise<RunRow | undefined> {
    return tx.one<RunRow>(
      `SELECT ${RUN_COLS} FROM workflow_runs WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tx.tenantId, id],
      'workflow_run_lock',
    );
  }

  getRun(tenantId: string, id: string): Promise<(RunRow & { steps: RunStepRow[] }) | undefined> {
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        const run = await tx.one<RunRow>(`SELECT ${RUN_COLS} FROM workflow_runs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
        if (!run) return undefined;
        const steps = await tx.rows<RunStepRow>(
          `SELECT ${STEP_COLS} FROM workflow_run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY idx`,
          [tenantId, id],
        );
        return { ...run, steps };
      },
      { readOnly: true },
    );
  }

  runSteps(tx: Tx, runId: string): Promise<RunStepRow[]> {
    return tx.rows<RunStepRow>(
      `SELECT ${STEP_COLS} FROM workflow_run_steps WHERE tenant_id = $1 AND run_id = $2 ORDER BY idx`,
      [tx.tenantId, runId],
      'workflow_run_steps',
    );
  }

  listRuns(
    tenantId: string,
    f: { workflowKey?: string; status?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<IsoDates<RunRow>>> {
    return this.uow.tenant(
      tenantId,
      (tx) => {
        const params: unknown[] = [tenantId];
        let where = 'tenant_id = $1';
        if (f.workflowKey) where += ` AND workflow_key = $${params.push(f.workflowKey)}`;
        if (f.status) where += ` AND status = $${params.push(f.status)}`;
        return newestFirst<RunRow>(tx, { from: 'workflow_runs', cols: RUN_COLS, where, params, limit, cursor });
      },
      { readOnly: true },
    );
  }

  /** The runs of the workflow triggered with this transactionId that have not ended, locked, in id order. */
  lockOpenRunsOfTransaction(tx: Tx, workflowId: string, transactionId: string): Promise<RunRow[]> {
    return tx.rows<RunRow>(
      `SELECT ${RUN_COLS} FROM workflow_runs WHERE tenant_id = $1 AND workflow_id = $2 AND transaction_id = $3 AND status IN ('running', 'waiting')
       ORDER BY id FOR UPDATE`,
      [tx.tenantId, workflowId, transactionId],
    );
  }

  /** Ends a run as cancelled: its waiting step cancelled, a digest it owned takes no one more. */
  async cancelRun(tx: Tx, runId: string): Promise<void> {
    await tx.exec(
      `UPDATE workflow_runs SET status = 'cancelled', status_reason = 'cancelled', updated_at = now(), ended_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, runId],
    );
    await tx.exec(
      `UPDATE workflow_run_steps SET status = 'cancelled', ended_at = now() WHERE tenant_id = $1 AND run_id = $2 AND status = 'waiting'`,
      [tx.tenantId, runId],
    );
    await tx.exec(`UPDATE workflow_digests SET open = false WHERE tenant_id = $1 AND run_id = $2 AND open`, [tx.tenantId, runId]);
  }

  /**
   * One run per recipient key, pinned to the workflow's current version. With a transactionId, a
   * recipient it already triggered gets no second run: its run is answered with `created: false`.
   */
  insertRuns(
    tx: Tx,
    w: Pick<WorkflowRow, 'id' | 'key' | 'version'>,
    runs: Array<{ to: Record<string, string>; key: string }>,
    o: { data: Record<string, unknown>; transactionId: string | null; principal: object },
  ): Promise<Array<{ id: string; recipient_key: string; created: boolean }>> {
    return tx.rows<{ id: string; recipient_key: string; created: boolean }>(
      `WITH input AS (
         SELECT x.ord, x.recipient, x.recipient_key FROM jsonb_to_recordset($1::jsonb) AS x(ord int, recipient jsonb, recipient_key text)
       ), ins AS (
         INSERT INTO workflow_runs (tenant_id, workflow_id, workflow_key, version, recipient, recipient_key, data, transaction_id, principal)
         SELECT $2, $3, $4, $5, recipient, recipient_key, $6, $7, $8 FROM input ORDER BY ord
         ON CONFLICT (tenant_id, workflow_id, transaction_id, recipient_key) WHERE transaction_id IS NOT NULL DO NOTHING
         RETURNING id, recipient_key
       )
       SELECT i.id, i.recipient_key, true AS created FROM ins i
       UNION ALL
       SELECT r.id, r.recipient_key, false FROM workflow_runs r
       WHERE $7::text IS NOT NULL AND r.tenant_id = $2 AND r.workflow_id = $3 AND r.transaction_id = $7
         AND r.recipient_key IN (SELECT recipient_key FROM input) AND r.recipient_key NOT IN (SELECT recipient_key FROM ins)`,
      [
        JSON.stringify(runs.map((r, ord) => ({ ord, recipient: r.to, recipient_key: r.key }))),
        tx.tenantId,
        w.id,
        w.key,
        w.version,
        JSON.stringify(o.data),
        o.transactionId,
        JSON.stringify(o.principal),
      ],
      'workflow_runs_insert',
    );
  }
}
