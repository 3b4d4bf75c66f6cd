import { Module, type DynamicModule } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PostgresRateLimitStore } from './postgres-rate-limit.store.js';
import { RATE_LIMIT_STORE } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

export interface RateLimitModuleOptions {
  /** When set, counters live in Redis; otherwise in the service's PostgreSQL (rate_limit_counters). */
  redisUrl?: string;
  /**
   * Without Redis: the database to keep counters in, through a pool of their own (`poolSize`
   * connections, default 3) apart from the service's, see PostgresRateLimitStore. Without it the
   * service's DataSource is used.
   */
  databaseUrl?: string;
  poolSize?: number;
  applicationName?: string;
}

@Module({})
export class RateLimitModule {
  /** Provides RATE_LIMIT_STORE everywhere. Without Redis it needs the service's TypeORM DataSource. */
  static forRoot(options: RateLimitModuleOptions = {}): DynamicModule {
    return {
      module: RateLimitModule,
      global: true,
      providers: [
        {
          provide: RATE_LIMIT_STORE,
          inject: [{ token: DataSource, optional: true }],
          useFactory: (dataSource?: DataSource) => {
            if (options.redisUrl) return new RedisRateLimitStore(options.redisUrl);
            if (options.databaseUrl) {
              const pool = new pg.Pool({
                connectionString: options.databaseUrl,
                max: options.poolSize ?? 3,
                connectionTimeoutMillis: 5000,
                application_name: `${options.applicationName ?? 'service'}:rate-limits`,
              });
              // An idle connection the server ended is dropped by the pool; no crash.
              pool.on('error', () => undefined);
              return new PostgresRateLimitStore(pool);
            }
            if (!dataSource) throw new Error('RateLimitModule: no REDIS_URL and no TypeORM DataSource to keep counters in');
            return new PostgresRateLimitStore(dataSource);
          },
        },
      ],
      exports: [RATE_LIMIT_STORE],
    };
  }
}
