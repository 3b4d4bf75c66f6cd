import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { Rate } from '../config/config-schema.js';
import { toResult, type RateLimitResult, type RateLimitStore } from './rate-limit.store.js';

/**
 * Statements each service's own migration runs to create the counters table. UNLOGGED: counters
 * are worth losing on a crash in exchange for skipping the WAL on every hit.
 */
export const RATE_LIMIT_TABLE_SQL: string[] = [
  `CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counters (
     key text PRIMARY KEY,
     count integer NOT NULL,
     expires_at timestamptz NOT NULL
   )`,
  `CREATE INDEX IF NOT EXISTS rate_limit_counters_expires_at_idx ON rate_limit_counters (expires_at)`,
];

export const RATE_LIMIT_TABLE_DOWN_SQL: string[] = ['DROP TABLE IF EXISTS rate_limit_counters'];

// One statement decides atomically: a new or expired window starts at `cost`, a live one adds to it.
const HIT_SQL = `
  INSERT INTO rate_limit_counters AS c (key, count, expires_at)
  VALUES ($1, $2, now() + make_interval(secs => $3))
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN c.expires_at <= now() THEN EXCLUDED.count ELSE c.count + EXCLUDED.count END,
    expires_at = CASE WHEN c.expires_at <= now() THEN EXCLUDED.expires_at ELSE c.expires_at END
  RETURNING count, (EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::float8 AS ttl_ms`;

/**
 * Rate limits in PostgreSQL (the default): shared by all instances on the same database.
 *
 * Give it its own small pg.Pool (RateLimitModule does, from the database URL) rather than the
 * service's DataSource: counters are hit while a request's transaction already holds a connection
 * of the service's pool (an Idempotency-Key request counting its quota), so with as many such
 * requests in flight as the pool has connections, every one of them would wait for a connection
 * none can give back, until the pool's connect timeout answered them all 500.
 */
export class PostgresRateLimitStore implements RateLimitStore, OnApplicationBootstrap, OnModuleDestroy {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: DataSource | pg.Pool,
    private readonly sweepIntervalMs = 60_000,
  ) {}

  // Expired rows are reset in place on their next hit; the sweep only bounds the table's size. Started
  // once every module is up: Nest destroys nothing of a boot that fails half-way, so a timer started
  // in the constructor outlived such a boot (and, in the test suites, the test that made it).
  onApplicationBootstrap(): void {
    this.sweeper ??= setInterval(() => void this.sweep().catch(() => undefined), this.sweepIntervalMs);
    this.sweeper.unref();
  }

  private async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (this.source instanceof pg.Pool) return (await this.source.query(sql, params)).rows as R[];
    return (await this.source.query(sql, params)) as R[];
  }

  async hit(key: string, rate: Rate, cost = 1): Promise<RateLimitResult> {
    const rows = await this.rows<{ count: number; ttl_ms: number }>(HIT_SQL, [key, cost, rate.windowSeconds]);
    const row = rows[0]!;
    return toResult(rate, Number(row.count), Number(row.ttl_ms));
  }

  async sweep(): Promise<void> {
    await this.rows(`DELETE FROM rate_limit_counters WHERE expires_at < now() - interval '1 minute'`);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    if (this.source instanceof pg.Pool) await this.source.end();
  }
}
