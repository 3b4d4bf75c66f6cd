import type { Rate } from '../config/config-schema.js';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets once the limit is used up (remaining 0); otherwise 0. */
  retryAfterSeconds: number;
}

/**
 * A fixed-window counter shared by every instance. `hit` adds `cost` (default 1) to the key's
 * counter in the current window and says whether the total is still within `rate.count`.
 * Keys are the caller's: prefix them by purpose (`login:ip:1.2.3.4`). One key should always be
 * used with the same rate. A cost of 0 reads the counter without adding to it.
 */
export interface RateLimitStore {
  hit(key: string, rate: Rate, cost?: number): Promise<RateLimitResult>;
}

export const RATE_LIMIT_STORE: unique symbol = Symbol('RATE_LIMIT_STORE');

export function toResult(rate: Rate, count: number, ttlMs: number): RateLimitResult {
  const allowed = count <= rate.count;
  const remaining = Math.max(0, rate.count - count);
  return {
    allowed,
    limit: rate.count,
    remaining,
    retryAfterSeconds: remaining > 0 ? 0 : Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}
