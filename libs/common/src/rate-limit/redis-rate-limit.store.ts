import type { OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Rate } from '../config/config-schema.js';
import { toResult, type RateLimitResult, type RateLimitStore } from './rate-limit.store.js';

/**
 * Rate limits in Redis (when REDIS_URL is set). One MULTI: create the key with the window's expiry
 * if absent (SET NX PX, the portable form of INCR + PEXPIRE NX), add the cost, read the TTL.
 */
export class RedisRateLimitStore implements RateLimitStore, OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    redis: Redis | string,
    private readonly prefix = 'rl:',
  ) {
    this.redis = typeof redis === 'string' ? new Redis(redis, { lazyConnect: false, maxRetriesPerRequest: 2 }) : redis;
  }

  async hit(key: string, rate: Rate, cost = 1): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const windowMs = rate.windowSeconds * 1000;
    const res = await this.redis.multi().set(k, '0', 'PX', windowMs, 'NX').incrby(k, cost).pttl(k).exec();
    if (!res) throw new Error('Redis transaction aborted');
    for (const [err] of res) if (err) throw err;
    const count = Number(res[1]![1]);
    const ttl = Number(res[2]![1]);
    return toResult(rate, count, ttl > 0 ? ttl : windowMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
