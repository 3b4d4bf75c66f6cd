import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { UnitOfWork } from '../database/unit-of-work.js';
import { NotifyMetrics } from './notify-metrics.js';

/** The queue's counts by state and the oldest ready job's age, in one pass over graphile-worker's jobs. */
export const QUEUE_DEPTH_SQL = `SELECT count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now()) AS ready,
          count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now()) AS scheduled,
          count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
          count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts) AS failed,
          extract(epoch FROM now() - min(run_at) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now())) AS oldest
     FROM graphile_worker.jobs`;

export interface QueueCounts {
  ready: string;
  scheduled: string;
  running: string;
  failed: string;
  oldest: string | null;
}

/**
 * The durable queue's depth (graphile-worker's jobs, shared by every instance), read at scrape time
 * from PostgreSQL: what a Kubernetes HPA scales the worker Deployment on (`notify_queue_jobs{state="ready"}`
 * through a metrics adapter; see deploy/helm). Every API instance reports the same global figure, so
 * an adapter takes the max over instances, never the sum.
 */
@Injectable()
export class QueueDepthMetrics {
  private readonly log = new Logger('metrics');

  constructor(metrics: NotifyMetrics, uow: UnitOfWork) {
    const read = () => uow.maintenance((tx) => tx.one<QueueCounts>(QUEUE_DEPTH_SQL, [], 'metrics_queue_depth'));
    // One database read per scrape serves both gauges: the first collect reads, the second reuses it.
    let pending: Promise<QueueCounts | undefined> | null = null;
    const counts = () => {
      pending ??= read()
        .catch((err: unknown) => {
          // A scrape must still answer while the database is away: the gauges keep their last values.
          this.log.warn(`queue depth not read: ${String(err)}`);
          return undefined;
        })
        .finally(() => setImmediate(() => (pending = null)));
      return pending;
    };
    new Gauge({
      name: 'notify_queue_jobs',
      help: 'Jobs in the durable queue (all instances): ready (due, waiting for a worker), scheduled (due later), running (held by a worker), failed (out of attempts)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      aggregator: 'max', // each process of an instance reads the same global figure
      async collect() {
        const c = await counts();
        if (!c) return;
        for (const state of ['ready', 'scheduled', 'running', 'failed'] as const) this.labels({ state }).set(Number(c[state]));
      },
    });
    new Gauge({
      name: 'notify_queue_oldest_ready_seconds',
      help: 'Age of the oldest ready job (how long it has been due without a worker taking it); 0 when none waits',
      registers: [metrics.registry],
      aggregator: 'max',
      async collect() {
        const c = await counts();
        if (c) this.set(c.oldest === null ? 0 : Number(c.oldest));
      },
    });
  }
}
