import { TASK } from '../queue/delivery-queue.js';
import type { Tx } from '../tenancy/unit-of-work.js';

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
