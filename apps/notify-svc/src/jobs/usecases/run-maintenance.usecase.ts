import { Inject, Injectable } from '@nestjs/common';
import { IdempotencyStore } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../config/notify-config.js';
import { NotifyMetrics } from '../../metrics/notify-metrics.js';
import { TenantDb } from '../../tenancy/tenant-db.js';

const BATCH = 5000;

/**
 * Cross-tenant maintenance, called by a scheduler with the internal key. Each run handles a
 * bounded batch (SKIP LOCKED, so overlapping runs on several instances never collide); call again
 * while it reports a full batch.
 */
@Injectable()
export class RunMaintenanceUseCase {
  constructor(
    private readonly db: TenantDb,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: NotifyMetrics,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  /** Scheduled deliveries whose time has come become queued (their outbox row is already waiting). */
  async dispatchScheduled(): Promise<{ dispatched: number; batchLimit: number }> {
    const r = await this.db.system((sql) =>
      sql.one<{ n: string }>(
        `WITH due AS (
           SELECT id FROM deliveries WHERE status = 'scheduled' AND send_at <= now() ORDER BY send_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
         ), d AS (
           UPDATE deliveries d SET status = 'queued', updated_at = now() FROM due WHERE d.id = due.id
           RETURNING d.id, d.tenant_id, d.user_id, d.channel, d.content, d.data, d.category
         ), ev AS (
           INSERT INTO delivery_events (tenant_id, delivery_id, type) SELECT tenant_id, id, 'queued' FROM d
         ), inbox AS (
           INSERT INTO notifications (tenant_id, user_id, delivery_id, title, body, data, category)
           SELECT tenant_id, user_id, id, content ->> 'title', content ->> 'body', data, category FROM d WHERE channel = 'in_app' AND user_id IS NOT NULL
         )
         SELECT count(*) AS n FROM d`,
      ),
    );
    this.metrics.jobsRun.inc({ job: 'dispatch-scheduled', outcome: 'ok' });
    return { dispatched: Number(r?.n ?? 0), batchLimit: BATCH };
  }

  /** Failed deliveries with attempts left go back on the queue. */
  async retryFailed(): Promise<{ requeued: number; batchLimit: number }> {
    const r = await this.db.system((sql) =>
      sql.one<{ n: string }>(
        `WITH f AS (
           SELECT id FROM deliveries WHERE status = 'failed' AND attempts < $1 ORDER BY failed_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
         ), d AS (
           UPDATE deliveries d SET status = 'queued', status_reason = NULL, updated_at = now() FROM f WHERE d.id = f.id
           RETURNING d.id, d.tenant_id, d.channel, d.priority
         ), ob AS (
           INSERT INTO delivery_outbox (tenant_id, delivery_id, channel, priority, available_at)
           SELECT tenant_id, id, channel, CASE priority WHEN 'high' THEN 2 WHEN 'low' THEN 0 ELSE 1 END, now() FROM d
           ON CONFLICT (delivery_id) DO UPDATE SET available_at = now(), locked_by = NULL, locked_until = NULL
         ), ev AS (
           INSERT INTO delivery_events (tenant_id, delivery_id, type) SELECT tenant_id, id, 'requeued' FROM d
         )
         SELECT count(*) AS n FROM d`,
        [this.config.RETRY_MAX_ATTEMPTS],
      ),
    );
    this.metrics.jobsRun.inc({ job: 'retry-failed', outcome: 'ok' });
    return { requeued: Number(r?.n ?? 0), batchLimit: BATCH };
  }

  /** Retention: old deliveries (with their events, outbox and inbox rows), expired idempotency keys and counters. */
  async purge(): Promise<{ deliveries: number; notifications: number; idempotencyKeys: number; retentionDays: number }> {
    const days = this.config.RETENTION_DAYS;
    const r = await this.db.system(async (sql) => ({
      deliveries: await sql.exec(
        `DELETE FROM deliveries WHERE id IN (
           SELECT id FROM deliveries WHERE created_at < now() - make_interval(days => $1)
             AND status NOT IN ('queued', 'scheduled', 'sending') LIMIT ${BATCH * 4})`,
        [days],
      ),
      notifications: await sql.exec(`DELETE FROM notifications WHERE created_at < now() - make_interval(days => $1)`, [days]),
    }));
    const idempotencyKeys = await this.idempotency.purgeExpired();
    this.metrics.jobsRun.inc({ job: 'purge', outcome: 'ok' });
    return { ...r, idempotencyKeys, retentionDays: days };
  }
}
