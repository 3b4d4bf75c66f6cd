import { TASK } from '../queue/delivery-queue.js';
import type { Tx } from '../tenancy/unit-of-work.js';

/** A campaign job's payload: ids only (the campaign row is the truth). */
export interface CampaignJob {
  t: string;
  c: string;
}

/**
 * The two durable jobs of a campaign, added with graphile_worker.add_job inside the caller's
 * transaction (they commit with the state change they follow). One job key per campaign and task:
 * re-adding replaces a waiting job (run_at moves), and a running one is followed by the new one.
 * `keepRunAt`: a throttled send keeps its next window (an expansion page must not pull it forward).
 */
export async function enqueueCampaignJob(
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
