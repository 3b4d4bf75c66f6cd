import { Injectable, Logger } from '@nestjs/common';
import { runMigrations } from 'graphile-worker';
import pg from 'pg';
import { MAINTENANCE_ROLE, RLS_ROLE } from '../database/roles.js';
import type { Tx } from '../database/unit-of-work.js';
import { graphileLogger } from './graphile-logger.js';

/** graphile-worker task names. */
export const TASK = {
  deliver: 'deliver',
  purge: 'purge',
  repair: 'repair',
  topicPurge: 'topic_purge',
  topicDue: 'topic_due',
  contactImport: 'contact_import',
  campaignExpand: 'campaign_expand',
  campaignSend: 'campaign_send',
  groupSend: 'group_send',
  workflowStep: 'workflow_step',
} as const;

/** A deliver job's payload: ids only (the delivery row is the truth). */
export interface DeliverJob {
  t: string;
  d: string;
}

const PRIORITY: Record<string, number> = { high: -1, normal: 0, low: 1 };
export const jobPriority = (priority: string) => PRIORITY[priority] ?? 0;

/** A delayed topic message (Delay header): stored and signalled when its job runs. */
export interface TopicDueJob {
  t: string;
  /** The topic id. */
  k: string;
  /** The message as it will be stored, and who published it (for its forwards). */
  m: Record<string, unknown>;
  p: Record<string, unknown>;
}

/** A campaign job's payload (campaign_expand, campaign_send): ids only (the campaign row is the truth). */
export interface CampaignJob {
  t: string;
  c: string;
}

/** A contact import's payload: the tenant and the import id. */
export interface ContactImportJob {
  t: string;
  i: string;
}

/** A large group send's expansion payload: the tenant and the send (batch) id. */
export interface GroupSendJob {
  t: string;
  s: string;
}

/**
 * The one module that adds jobs: every task name (TASK), every payload type and every
 * `graphile_worker.add_job` / `add_jobs` call of notify-svc is here. The durable queue is
 * graphile-worker's, in the notify database; a job is added inside the caller's transaction, so it
 * commits (or not) with the row it is for. A deliver job's key is the delivery id: re-adding
 * replaces a waiting job (retries, replays), and cancelling removes it.
 */
/**
 * The deliver jobs of deliveries being inserted, as SQL over `source` (a CTE with tenant_id, id,
 * status, priority, send_at; $`taskParam` bound to TASK.deliver): the queued and scheduled ones
 * get a job keyed by their id, as enqueueMany adds them. The deliveries insert runs it in its own
 * statement, so a delivery, its first event and its job are one round trip.
 */
export function deliverJobsSql(source: string, taskParam: string): string {
  return `SELECT count(*) AS n FROM graphile_worker.add_jobs(array(
     SELECT ROW(${taskParam}, json_build_object('t', s.tenant_id, 'd', s.id), NULL, coalesce(s.send_at, now()), NULL, s.id::text,
                CASE s.priority WHEN 'high' THEN ${PRIORITY['high']} WHEN 'low' THEN ${PRIORITY['low']} ELSE ${PRIORITY['normal']} END, NULL)::graphile_worker.job_spec
     FROM ${source} s WHERE s.status IN ('queued', 'scheduled')), false)`;
}

@Injectable()
export class JobQueue {
  /**
   * The two durable jobs of a campaign. One job key per campaign and task: re-adding replaces a
   * waiting job (run_at moves), and a running one is followed by the new one. `keepRunAt`: a
   * throttled send keeps its next window (an expansion page must not pull it forward).
   */
  async enqueueCampaign(
    tx: Tx,
    task: typeof TASK.campaignExpand | typeof TASK.campaignSend,
    campaignId: string,
    runAt: Date | null = null,
    keepRunAt = false,
  ): Promise<void> {
    const payload: CampaignJob = { t: tx.tenantId, c: campaignId };
    await tx.exec(
      `SELECT graphile_worker.add_job($1, $2::json, run_at := coalesce($3::timestamptz, now()), job_key := $4, max_attempts := 25,
         job_key_mode := $5)`,
      [task, JSON.stringify(payload), runAt, `${task}:${campaignId}`, keepRunAt ? 'preserve_run_at' : 'replace'],
      `queue_add_${task}`,
    );
  }

  /** A CSV import's job (keyed by the import id, so it is added once). */
  async enqueueContactImport(tx: Tx, importId: string): Promise<void> {
    const payload: ContactImportJob = { t: tx.tenantId, i: importId };
    await tx.exec(`SELECT graphile_worker.add_job($1, $2::json, job_key := $3, max_attempts := 5)`, [
      TASK.contactImport,
      JSON.stringify(payload),
      `contact_import:${importId}`,
    ]);
  }

  /** A topic message published with Delay: its job runs at `runAt`, in the publishing transaction's commit. */
  async enqueueTopicMessage(tx: Tx, job: Omit<TopicDueJob, 't'>, runAt: Date): Promise<void> {
    const payload: TopicDueJob = { t: tx.tenantId, ...job };
    await tx.exec(
      `SELECT graphile_worker.add_job($1, $2::json, run_at := $3::timestamptz)`,
      [TASK.topicDue, JSON.stringify(payload), runAt],
      'queue_add_topic_due',
    );
  }

  /** The expansion job of a send to a large group (keyed by its batch id, so it is added once). */
  async enqueueGroupSend(tx: Tx, batchId: string): Promise<void> {
    const payload: GroupSendJob = { t: tx.tenantId, s: batchId };
    await tx.exec(`SELECT graphile_worker.add_job($1, $2::json, job_key := $3)`, [
      TASK.groupSend,
      JSON.stringify(payload),
      `group_send:${batchId}`,
    ]);
  }

  async enqueue(tx: Tx, d: { id: string; priority: string; runAt: Date | null }): Promise<void> {
    const payload: DeliverJob = { t: tx.tenantId, d: d.id };
    await tx.exec(
      `SELECT graphile_worker.add_job($1, $2::json, run_at := coalesce($3::timestamptz, now()), job_key := $4, priority := $5)`,
      [TASK.deliver, JSON.stringify(payload), d.runAt, d.id, jobPriority(d.priority)],
      'queue_add_deliver',
    );
  }

  /**
   * Jobs for many deliveries in one statement: a batch of one tenant (tenant from the transaction),
   * or, from maintenance, rows of several (each names its tenant). `keepRunAt`: where a job with the
   * key exists, it keeps its time (a repair that re-adds must not delay a scheduled send).
   */
  async enqueueMany(
    tx: Tx,
    items: Array<{ id: string; priority: string; runAt: Date | null; tenantId?: string }>,
    opts: { keepRunAt?: boolean } = {},
  ): Promise<void> {
    if (items.length === 0) return;
    if (items.length === 1 && !items[0]!.tenantId && !opts.keepRunAt) return this.enqueue(tx, items[0]!);
    await tx.exec(
      `SELECT count(*) FROM graphile_worker.add_jobs(array(
         SELECT ROW($1, json_build_object('t', u.tenant_id, 'd', u.id), NULL, coalesce(u.run_at, now()), NULL, u.id::text, u.priority, NULL)::graphile_worker.job_spec
         FROM unnest($2::text[], $3::uuid[], $4::timestamptz[], $5::int[]) AS u(tenant_id, id, run_at, priority)), $6)`,
      [
        TASK.deliver,
        items.map((i) => i.tenantId ?? tx.tenantId),
        items.map((i) => i.id),
        items.map((i) => i.runAt),
        items.map((i) => jobPriority(i.priority)),
        opts.keepRunAt ?? false,
      ],
      'queue_add_deliver_many',
    );
  }

  async remove(tx: Tx, deliveryId: string): Promise<void> {
    await tx.exec('SELECT graphile_worker.remove_job($1)', [deliveryId], 'queue_remove');
  }
}

// ---- workflow steps (issue 21): free functions, as the workflow use cases call them
/** A workflow step job's payload: ids only (the run row is the truth). */
export interface WorkflowStepJob {
  t: string;
  /** The run, and the step it is due to run. */
  r: string;
  i: number;
}

/** A run's one job key: a run waits on at most one job, and cancelling removes it by this key. */
export const workflowJobKey = (runId: string) => `${TASK.workflowStep}:${runId}`;

/**
 * The durable job of a run's next step, added with graphile_worker.add_job inside the transaction
 * that moved the run there (it commits, or not, with that move). Re-adding replaces a waiting job
 * (run_at moves); a running one is followed by the new one.
 */
export async function enqueueWorkflowSteps(tx: Tx, jobs: Array<{ runId: string; idx: number; runAt?: Date | null }>): Promise<void> {
  if (!jobs.length) return;
  await tx.exec(
    `SELECT count(*) FROM graphile_worker.add_jobs(array(
       SELECT ROW($1, json_build_object('t', $2::text, 'r', u.run_id, 'i', u.idx), NULL, coalesce(u.run_at, now()), 25, $1 || ':' || u.run_id, NULL, NULL)::graphile_worker.job_spec
       FROM unnest($3::uuid[], $4::int[], $5::timestamptz[]) AS u(run_id, idx, run_at)))`,
    [TASK.workflowStep, tx.tenantId, jobs.map((j) => j.runId), jobs.map((j) => j.idx), jobs.map((j) => j.runAt ?? null)],
    'queue_add_workflow_steps',
  );
}

export async function removeWorkflowJob(tx: Tx, runId: string): Promise<void> {
  await tx.exec('SELECT graphile_worker.remove_job($1)', [workflowJobKey(runId)], 'queue_remove_workflow_step');
}

/** What a role that adds and reads jobs needs of graphile-worker's schema (PL/pgSQL statements). */
const queueGrants = (role: string) =>
  [
    `GRANT USAGE ON SCHEMA graphile_worker TO ${role};`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${role};`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${role};`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${role};`,
  ].join('\n        ');

/** Advisory lock key (one of this project's, beside the migrations' 727_001) for the queue grants. */
const QUEUE_GRANTS_LOCK_KEY = 727_002;

/**
 * Installs or upgrades graphile-worker's schema (its own migrations, under its own lock) and, where
 * tenant transactions switch to the row-level-security role, lets that role add jobs. Runs at every
 * start of the API and of worker processes, before the first request.
 */
export async function installQueueSchema(databaseUrl: string, log = new Logger('queue')): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'notify-svc:queue-migrate' });
  pool.on('error', (err) => log.warn(`queue schema connection: ${String(err)}`));
  pool.on('connect', (client) => client.on('error', (err) => log.warn(`queue schema connection: ${String(err)}`)));
  try {
    await runMigrations({ pgPool: pool, logger: graphileLogger() });
    // graphile-worker enables row-level security on its tables with no policy (only their owner
    // uses them). Tenant transactions that run as the RLS role add jobs too: that role gets a
    // policy of its own on the queue's tables (the queue holds ids only, never tenant content).
    // Several instances start at once: concurrent GRANTs on one object fail with "tuple
    // concurrently updated", so the grants run one instance at a time under an advisory lock.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [QUEUE_GRANTS_LOCK_KEY]);
      // add_job(s) are PL/pgSQL: PostgreSQL plans each of their statements afresh on every call
      // (its plan cache keeps choosing custom plans for the job_spec[] argument), about 0.5 ms of
      // database CPU per accepted delivery, more than the delivery's own insert (docs/benchmarks.md,
      // issue 18). Their statements are key and id lookups, which a generic plan serves as well.
      // Set again at every start: graphile-worker's own migrations may re-create the functions.
      await client.query(`
      DO $$
      DECLARE f regprocedure;
      BEGIN
        FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'graphile_worker' AND p.proname IN ('add_job', 'add_jobs', 'remove_job')
                   AND NOT coalesce('plan_cache_mode=force_generic_plan' = ANY (p.proconfig), false)
        LOOP
          EXECUTE format('ALTER FUNCTION %s SET plan_cache_mode = force_generic_plan', f);
        END LOOP;
      END $$`);
      await client.query(`
      DO $$
      DECLARE t record;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN RETURN; END IF;
        ${queueGrants(RLS_ROLE)}
        FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity
                   AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'notify_enqueue')
        LOOP
          EXECUTE format('CREATE POLICY notify_enqueue ON graphile_worker.%I TO ${RLS_ROLE} USING (true) WITH CHECK (true)', t.relname);
        END LOOP;
      END $$`);
      // Maintenance (the repair's add_jobs, the crash sweep, the queue gauges) runs as the maintenance
      // role on a login that does not bypass row-level security: that role (BYPASSRLS, so no policy)
      // needs the queue's schema too, as it has the public one (migration 1796000000006).
      await client.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN RETURN; END IF;
        ${queueGrants(MAINTENANCE_ROLE)}
      END $$`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } catch (err) {
    log.error(`graphile-worker schema install failed: ${String(err)}`);
    throw err;
  } finally {
    await pool.end();
  }
}
