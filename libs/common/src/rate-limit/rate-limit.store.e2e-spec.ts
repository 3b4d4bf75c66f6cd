import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#testing';
import { PostgresRateLimitStore, RATE_LIMIT_TABLE_SQL } from './postgres-rate-limit.store.js';
import type { RateLimitStore } from './rate-limit.store.js';
import { RedisRateLimitStore } from './redis-rate-limit.store.js';

interface StoreUnderTest {
  store: RateLimitStore;
  close(): Promise<void>;
}

async function postgresStore(
  sweepIntervalMs?: number,
): Promise<StoreUnderTest & { db: TestDatabase; ds: DataSource; store: PostgresRateLimitStore }> {
  const db = await createTestDatabase('ratelimit');
  const ds = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 10 } }).initialize();
  for (const sql of RATE_LIMIT_TABLE_SQL) await ds.query(sql);
  const store = new PostgresRateLimitStore(ds, sweepIntervalMs);
  return {
    db,
    ds,
    store,
    close: async () => {
      await store.onModuleDestroy();
      await ds.destroy();
      await db.drop();
    },
  };
}

function redisStore(url: string): StoreUnderTest {
  const store = new RedisRateLimitStore(url, `rl-test-${randomBytes(4).toString('hex')}:`);
  return { store, close: () => store.onModuleDestroy() };
}

// PostgreSQL always; Redis too when the run provides one (TEST_REDIS_URL), e.g. on CI.
const stores: Array<[string, () => Promise<StoreUnderTest>]> = [['PostgresRateLimitStore', postgresStore]];
if (process.env.TEST_REDIS_URL) stores.push(['RedisRateLimitStore', async () => redisStore(process.env.TEST_REDIS_URL!)]);

describe.each(stores)('%s', (_name, make) => {
  let s: StoreUnderTest;
  const key = () => `test:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    s = await make();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('admits exactly `count` of many concurrent hits and tells the rest when to retry', async () => {
    const k = key();
    const rate = { count: 10, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 50 }, () => s.store.hit(k, rate)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of results.filter((x) => !x.allowed)) {
      expect(r).toMatchObject({ limit: 10, remaining: 0 });
      expect(r.retryAfterSeconds).toBeGreaterThan(0);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('starts a new window when the old one has passed', async () => {
    const k = key();
    const rate = { count: 2, windowSeconds: 1 };
    expect((await s.store.hit(k, rate)).allowed).toBe(true);
    expect((await s.store.hit(k, rate)).allowed).toBe(true);
    expect((await s.store.hit(k, rate)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await s.store.hit(k, rate)).toMatchObject({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it('counts a cost, reads without adding at cost 0, and keeps keys apart', async () => {
    const k = key();
    const rate = { count: 5, windowSeconds: 60 };
    expect(await s.store.hit(k, rate, 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await s.store.hit(k, rate, 0)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await s.store.hit(k, rate, 3)).toMatchObject({ allowed: false, remaining: 0 });
    expect(await s.store.hit(key(), rate)).toMatchObject({ allowed: true, remaining: 4 });
  });
});

describe('PostgresRateLimitStore sweep', () => {
  it('starts at application bootstrap, not at construction (a boot that fails leaves no timer), then drops expired rows', async () => {
    const { ds, store, close } = await postgresStore(25);
    try {
      await ds.query(`INSERT INTO rate_limit_counters (key, count, expires_at) VALUES ('old', 1, now() - interval '2 minutes')`);
      const rows = async () => Number((await ds.query(`SELECT count(*)::int AS n FROM rate_limit_counters`))[0].n);
      await new Promise((r) => setTimeout(r, 200));
      expect(await rows()).toBe(1);
      store.onApplicationBootstrap();
      const deadline = Date.now() + 5_000;
      while ((await rows()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await rows()).toBe(0);
    } finally {
      await close();
    }
  });
});
