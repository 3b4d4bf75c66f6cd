import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '#testing';
import type { LiveBus, LivePayload } from './live-bus.js';
import { PostgresLiveBus } from './postgres-live-bus.js';
import { RedisLiveBus } from './redis-live-bus.js';

/** Two processes' worth of bus (two connections each) on one server, and a way to cut one's listening connection. */
interface Pair {
  a: LiveBus;
  b: LiveBus;
  cutListener(bus: 'a' | 'b'): Promise<void>;
  close(): Promise<void>;
}

async function postgresPair(): Promise<Pair> {
  const db: TestDatabase = await createTestDatabase('livebus');
  const name = `livebus-${randomBytes(4).toString('hex')}`;
  const make = (who: string) => new PostgresLiveBus(db.url, { applicationName: `${name}-${who}`, minBackoffMs: 20, maxBackoffMs: 200 });
  const a = make('a');
  const b = make('b');
  return {
    a,
    b,
    cutListener: async (who) => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const r = await c.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [
          `${name}-${who}:listen`,
        ]);
        expect(r.rows).toHaveLength(1);
      } finally {
        await c.end();
      }
    },
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await db.drop();
    },
  };
}

async function redisPair(url: string): Promise<Pair> {
  const name = `livebus-${randomBytes(4).toString('hex')}`;
  const channel = `${name}-channel`; // its own channel: other runs on the same Redis never interfere
  const a = new RedisLiveBus(url, { channel, connectionName: `${name}-a` });
  const b = new RedisLiveBus(url, { channel, connectionName: `${name}-b` });
  return {
    a,
    b,
    cutListener: async (who) => {
      const admin = new Redis(url);
      try {
        const list = (await admin.client('LIST')) as string;
        const id = list
          .split('\n')
          .map((line) => Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string])))
          .find((c) => c.name === `${name}-${who}:listen`)?.id;
        expect(id).toBeDefined();
        await admin.client('KILL', 'ID', id!);
      } finally {
        admin.disconnect();
      }
    },
    close: () => Promise.all([a.close(), b.close()]).then(() => undefined),
  };
}

const pairs: Array<[string, () => Promise<Pair>]> = [['PostgresLiveBus', postgresPair]];
if (process.env.TEST_REDIS_URL) pairs.push(['RedisLiveBus', () => redisPair(process.env.TEST_REDIS_URL!)]);

/** Resolves with the first `n` payloads a subscription receives, or fails after `ms`. */
function collect(bus: LiveBus, topic: string, n: number, ms = 3000): Promise<LivePayload[]> {
  return new Promise((resolve, reject) => {
    const got: LivePayload[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${got.length}/${n} messages on ${topic} within ${ms} ms`));
    }, ms);
    const off = bus.subscribe(topic, (p) => {
      got.push(p);
      if (got.length === n) {
        clearTimeout(timer);
        off();
        resolve(got);
      }
    });
  });
}

describe.each(pairs)('%s', (_name, make) => {
  let s: Pair;
  const topic = () => `inbox:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    s = await make();
    await Promise.all([s.a.ready(), s.b.ready()]);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('delivers a message published by one instance to the subscribers of its topic on both, within 3 s (tens of ms when idle)', async () => {
    const t = topic();
    const onA = collect(s.a, t, 1);
    const onB = collect(s.b, t, 1);
    const started = Date.now();
    await s.b.publish(t, { seq: '42' });
    expect(await onA).toEqual([{ seq: '42' }]);
    expect(await onB).toEqual([{ seq: '42' }]);
    // The bound leaves room for a CI machine running two suites on two cores; idle, it is ~5 ms.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('keeps topics apart, keeps order, and stops after unsubscribe', async () => {
    const t1 = topic();
    const t2 = topic();
    const other: LivePayload[] = [];
    const offOther = s.a.subscribe(t2, (p) => other.push(p));
    const gone: LivePayload[] = [];
    s.a.subscribe(t1, (p) => gone.push(p))(); // unsubscribed at once
    const onT1 = collect(s.a, t1, 20);
    for (let i = 0; i < 20; i++) await s.b.publish(t1, { i });
    expect((await onT1).map((p) => p.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await s.b.publish(t2, { i: 'mine' });
    await new Promise((r) => setTimeout(r, 100));
    expect(other).toEqual([{ i: 'mine' }]);
    expect(gone).toEqual([]);
    offOther();
  });

  it('a failing subscriber does not keep the message from the others', async () => {
    const t = topic();
    const off = s.a.subscribe(t, () => {
      throw new Error('subscriber bug');
    });
    const onA = collect(s.a, t, 1);
    await s.b.publish(t, { ok: true });
    expect(await onA).toEqual([{ ok: true }]);
    off();
  });

  it('refuses a message too large for NOTIFY (publishers send ids, not bodies)', async () => {
    await expect(s.a.publish(topic(), { body: 'x'.repeat(8000) })).rejects.toThrow(/exceeds/);
  });

  it('reconnects after losing its listening connection, tells subscribers to re-sync, and delivers again', async () => {
    const t = topic();
    let resyncs = 0;
    const resynced = new Promise<void>((resolve) => {
      s.a.subscribe(t, () => undefined, {
        onResync: () => {
          resyncs++;
          resolve();
        },
      });
    });
    await s.cutListener('a');
    await resynced;
    expect(resyncs).toBe(1);
    await s.a.ready();
    const onA = collect(s.a, t, 1);
    await s.b.publish(t, { after: 'reconnect' });
    expect(await onA).toEqual([{ after: 'reconnect' }]);
  });
});
