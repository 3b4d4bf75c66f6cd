import { describe, expect, it } from '@jest/globals';
import type { Rate } from '../config/config-schema.js';
import type { RateLimitResult, RateLimitStore } from './rate-limit.store.js';
import { LeasedRateLimiter } from './leased-rate-limiter.js';

/** A fixed-window counter in memory, behaving like the shared stores. */
class MemoryStore implements RateLimitStore {
  counts = new Map<string, number>();
  hits = 0;
  async hit(key: string, rate: Rate, cost = 1): Promise<RateLimitResult> {
    this.hits++;
    const count = (this.counts.get(key) ?? 0) + cost;
    this.counts.set(key, count);
    const allowed = count <= rate.count;
    return { allowed, limit: rate.count, remaining: Math.max(0, rate.count - count), retryAfterSeconds: allowed ? 0 : 60 };
  }
}

describe('LeasedRateLimiter', () => {
  it('counts exactly near the limit', async () => {
    const store = new MemoryStore();
    const l = new LeasedRateLimiter(store, 100);
    const rate = { count: 20, windowSeconds: 60 };
    const results = [];
    for (let i = 0; i < 25; i++) results.push((await l.consume('k', rate)).allowed);
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(results.slice(20).every((a) => !a)).toBe(true);
  });

  it('reserves growing blocks for a busy key, so most requests need no store round trip', async () => {
    const store = new MemoryStore();
    const l = new LeasedRateLimiter(store, 100);
    const rate = { count: 1_000_000, windowSeconds: 60 };
    for (let i = 0; i < 5000; i++) {
      if (!l.tryLocal('k')) expect((await l.consume('k', rate)).allowed).toBe(true);
    }
    expect(store.hits).toBeLessThan(100);
    // Never more taken from the shared budget than used plus one block.
    expect(store.counts.get('k')!).toBeLessThanOrEqual(5000 + 100);
  });

  it('can give a refused take back (quotas)', async () => {
    const store = new MemoryStore();
    const l = new LeasedRateLimiter(store, 100);
    const rate = { count: 5, windowSeconds: 60 };
    expect((await l.consume('q', rate, 3, true)).allowed).toBe(true);
    expect((await l.consume('q', rate, 3, true)).allowed).toBe(false);
    expect(store.counts.get('q')).toBe(3);
    expect((await l.consume('q', rate, 2, true)).allowed).toBe(true);
  });
});

describe('LeasedRateLimiter under concurrency', () => {
  it('shares one refill among concurrent misses and never allows more than the limit', async () => {
    const store = new MemoryStore();
    const l = new LeasedRateLimiter(store, 100);
    const rate = { count: 50, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 80 }, () => l.consume('c', rate)));
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
  });

  it('answers a tenant over its limit locally for a moment, and a new limit is not held to the old refusal', async () => {
    const store = new MemoryStore();
    const l = new LeasedRateLimiter(store, 100);
    const rate = { count: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) await l.consume('d', rate);
    const hits = store.hits;
    for (let i = 0; i < 20; i++) expect((await l.consume('d', rate)).allowed).toBe(false);
    expect(store.hits - hits).toBe(1);
    expect((await l.consume('d', { count: 100, windowSeconds: 60 })).allowed).toBe(true);
  });
});
