import type { MigrationInterface, QueryRunner } from 'typeorm';
import { secureTenantTables } from './tenant-table-security.js';

/** Tenant tables this migration adds (each with the tenant-only policy). */
export const WORKFLOW_TABLES = [
  'workflows',
  'workflow_versions',
  'workflow_runs',
  'workflow_run_steps',
  'workflow_digests',
  'workflow_throttle_hits',
];

/**
 * Workflows (issue 21): a definition versioned like templates (a run keeps the version it started
 * with), its runs, each run's steps as they are reached, the open digests that later triggers
 * join, and the throttle's hits. A run's progress (`step`) moves only in the transaction that
 * holds its row FOR UPDATE and also writes the step's deliveries, so a step never sends twice.
 * In-app items gain `seen_at` / `archived_at` (the `unseen` condition reads them).
 */
export class NotifyWorkflows1796000000014 implements MigrationInterface {
  name = 'NotifyWorkflows1796000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workflows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        description text,
        category text,
        steps jsonb NOT NULL,
        version int NOT NULL DEFAULT 1,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, key),
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX workflows_list_idx ON workflows (tenant_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE workflow_versions (
        tenant_id uuid NOT NULL,
        workflow_id uuid NOT NULL,
        version int NOT NULL,
        name text NOT NULL,
        description text,
        category text,
        steps jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workflow_id, version),
        FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE workflow_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        workflow_id uuid NOT NULL,
        workflow_key text NOT NULL,
        version int NOT NULL,
        recipient jsonb NOT NULL,
        recipient_key text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        transaction_id text,
        principal jsonb NOT NULL,
        status text NOT NULL DEFAULT 'running'
          CHECK (status IN ('running', 'waiting', 'completed', 'cancelled', 'throttled', 'digested', 'failed')),
        status_reason text,
        step int NOT NULL DEFAULT 0,
        digest jsonb,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        UNIQUE (tenant_id, id),
        FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions (workflow_id, version) ON DELETE CASCADE
      )`);
    // transactionId dedupes: one run per (workflow, transaction, recipient).
    await q.query(
      `CREATE UNIQUE INDEX workflow_runs_transaction_idx ON workflow_runs (tenant_id, workflow_id, transaction_id, recipient_key) WHERE transaction_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX workflow_runs_list_idx ON workflow_runs (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX workflow_runs_key_idx ON workflow_runs (tenant_id, workflow_key, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE workflow_run_steps (
        tenant_id uuid NOT NULL,
        run_id uuid NOT NULL,
        idx int NOT NULL,
        name text NOT NULL,
        type text NOT NULL,
        status text NOT NULL,
        reason text,
        delivery_ids uuid[] NOT NULL DEFAULT '{}',
        detail jsonb,
        started_at timestamptz NOT NULL DEFAULT now(),
        wake_at timestamptz,
        ended_at timestamptz,
        PRIMARY KEY (run_id, idx),
        FOREIGN KEY (tenant_id, run_id) REFERENCES workflow_runs (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE workflow_digests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        workflow_id uuid NOT NULL,
        step_idx int NOT NULL,
        recipient_key text NOT NULL,
        digest_key text NOT NULL,
        run_id uuid NOT NULL,
        open boolean NOT NULL DEFAULT true,
        count int NOT NULL DEFAULT 1,
        events jsonb NOT NULL DEFAULT '[]',
        closes_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, run_id) REFERENCES workflow_runs (tenant_id, id) ON DELETE CASCADE
      )`);
    // At most one open digest per (workflow, step, recipient, key): a trigger joins it or opens one.
    await q.query(
      `CREATE UNIQUE INDEX workflow_digests_open_idx ON workflow_digests (tenant_id, workflow_id, step_idx, recipient_key, digest_key) WHERE open`,
    );
    await q.query(`
      CREATE TABLE workflow_throttle_hits (
        tenant_id uuid NOT NULL,
        workflow_id uuid NOT NULL,
        step_idx int NOT NULL,
        recipient_key text NOT NULL,
        throttle_key text NOT NULL,
        run_id uuid NOT NULL,
        at timestamptz NOT NULL,
        FOREIGN KEY (tenant_id, run_id) REFERENCES workflow_runs (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX workflow_throttle_hits_idx ON workflow_throttle_hits (tenant_id, workflow_id, step_idx, recipient_key, throttle_key, at DESC)`,
    );
    await secureTenantTables(q, WORKFLOW_TABLES);

    await q.query(`ALTER TABLE notifications ADD COLUMN seen_at timestamptz, ADD COLUMN archived_at timestamptz`);
    // A step's `seen` / `unseen` condition finds the in-app item of its delivery.
    await q.query(`CREATE INDEX notifications_delivery_idx ON notifications (tenant_id, delivery_id) WHERE delivery_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS notifications_delivery_idx`);
    await q.query(`ALTER TABLE notifications DROP COLUMN IF EXISTS seen_at, DROP COLUMN IF EXISTS archived_at`);
    for (const t of [...WORKFLOW_TABLES].reverse()) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
