import { Inject, Injectable } from '@nestjs/common';
import { IdempotencyStore } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { JobQueue } from '../../job-queue.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

const BATCH = 5000;

/**
 * Cross-tenant maintenance, run by the workers on a schedule (graphile-worker cron) and callable by
 * operators with the internal key. Each run handles a bounded batch; call again while it reports
 * a full batch. Runs as the maintenance role (row-level security has no bypass setting).
 */
@Injectable()
export class RunMaintenanceUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: NotifyMetrics,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  /**
   * Repair: every due scheduled delivery, and every queued one untouched for a minute, gets its job
   * again. Adding is harmless when the job exists (same key, its run time kept), so a lost job
   * (a restored backup, an operator's mistake) can never strand a delivery.
   */
  async dispatchScheduled(): Promise<{ dispatched: number; batchLimit: number }> {
    const dispatched = await this.uow.maintenance(async (tx) => {
      const due = await tx.rows<{ id: string; tenant_id: string; priority: string }>(
        `SELECT id, tenant_id, priority FROM deliveries
         WHERE (status = 'scheduled' AND send_at <= now()) OR (status = 'queued' AND updated_at < now() - interval '1 minute')
         ORDER BY updated_at LIMIT $1`,
        [BATCH],
      );
      await this.queue.enqueueMany(
        tx,
        due.map((d) => ({ id: d.id, tenantId: d.tenant_id, priority: d.priority, runAt: null })),
        { keepRunAt: true },
      );
      return due.length;
    });
    this.metrics.jobsRun.inc({ job: 'dispatch-scheduled', outcome: 'ok' });
    return { dispatched, batchLimit: BATCH };
  }

  /** Replays deliveries that failed after exhausting their temporary-failure retries (not permanent refusals). */
  async retryFailed(): Promise<{ requeued: number; batchLimit: number }> {
    const requeued = await this.uow.maintenance(async (tx) => {
      const replayed = await tx.rows<{ id: string; tenant_id: string; priority: string }>(
        `WITH f AS (
           SELECT d.id FROM deliveries d
           WHERE d.status = 'failed' AND EXISTS (
             SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.attempt = d.attempts AND a.outcome = 'temporary')
           ORDER BY d.failed_at LIMIT $1 FOR UPDATE SKIP LOCKED
         ), d AS (
           UPDATE deliveries d SET status = 'queued', status_reason = NULL, attempts_before_replay = d.attempts, failed_at = NULL,
             next_attempt_at = NULL, updated_at = now()
           FROM f WHERE d.id = f.id
           RETURNING d.id, d.tenant_id, d.priority
         ), ev AS (
           INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT tenant_id, id, 'replayed', '{"by":"retry-failed"}' FROM d
         )
         SELECT id, tenant_id, priority FROM d`,
        [BATCH],
      );
      await this.queue.enqueueMany(
        tx,
        replayed.map((d) => ({ id: d.id, tenantId: d.tenant_id, priority: d.priority, runAt: null })),
      );
      return replayed.length;
    });
    this.metrics.jobsRun.inc({ job: 'retry-failed', outcome: 'ok' });
    return { requeued, batchLimit: BATCH };
  }

  /** Retention: old deliveries (with their events, attempts and inbox rows) and expired idempotency keys. */
  async purge(): Promise<{ deliveries: number; notifications: number; idempotencyKeys: number; retentionDays: number }> {
    const days = this.config.RETENTION_DAYS;
    const r = await this.uow.maintenance(async (tx) => ({
      deliveries: await tx.exec(
        `DELETE FROM deliveries WHERE id IN (
           SELECT id FROM deliveries WHERE created_at < now() - make_interval(days => $1)
             AND status NOT IN ('queued', 'scheduled', 'sending') LIMIT $2)`,
        [days, BATCH * 4],
      ),
      notifications: await tx.exec(
        `DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE created_at < now() - make_interval(days => $1) LIMIT $2)`,
        [days, BATCH * 4],
      ),
      idempotencyKeys: await this.idempotency.purgeExpired((sql, params) => tx.rows(sql, params)),
    }));
    this.metrics.jobsRun.inc({ job: 'purge', outcome: 'ok' });
    return { ...r, retentionDays: days };
  }
}
