import { Inject, Injectable } from '@nestjs/common';
import { IdempotencyStore } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { JobQueue } from '../../job-queue.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { DeliveriesRepository } from '../../../deliveries/deliveries.repository.js';
import { InboxRepository } from '../../../notifications/inbox.repository.js';

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
    private readonly deliveries: DeliveriesRepository,
    private readonly inbox: InboxRepository,
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
      const due = await this.deliveries.dueForDispatch(tx, BATCH);
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
      const replayed = await this.deliveries.replayExhaustedFailures(tx, BATCH);
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
      deliveries: await this.deliveries.purgeOlderThan(tx, days, BATCH * 4),
      notifications: await this.inbox.purgeOlderThan(tx, days, BATCH * 4),
      idempotencyKeys: await this.idempotency.purgeExpired((sql, params) => tx.rows(sql, params)),
    }));
    this.metrics.jobsRun.inc({ job: 'purge', outcome: 'ok' });
    return { ...r, retentionDays: days };
  }
}
