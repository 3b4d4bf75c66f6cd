import type { Tx } from '../database/unit-of-work.js';
import { removeWorkflowJob } from '../jobs/job-queue.js';
import type { RunRow, WorkflowsRepository } from './workflows.repository.js';

/** Ends a run that has not ended: cancelled with its waiting step, its waiting job removed (`r` is updated to match). */
export async function cancelRun(workflows: WorkflowsRepository, tx: Tx, r: RunRow): Promise<void> {
  await workflows.cancelRun(tx, r.id);
  await removeWorkflowJob(tx, r.id);
  r.status = 'cancelled';
  r.status_reason = 'cancelled';
}
