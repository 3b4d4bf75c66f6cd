import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostgresRateLimitStore } from './postgres-rate-limit.store.js';
import { RATE_LIMIT_STORE } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

export interface RateLimitModuleOptions {
  /** When set, counters live in Redis; otherwise in the service's PostgreSQL (rate_limit_counters). */
  redisUrl?: string;
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
            if (!dataSource) throw new Error('RateLimitModule: no REDIS_URL and no TypeORM DataSource to keep counters in');
            return new PostgresRateLimitStore(dataSource);
          },
        },
      ],
      exports: [RATE_LIMIT_STORE],
    };
  }
}
