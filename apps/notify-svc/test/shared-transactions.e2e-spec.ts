import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { UnitOfWork, type Tx } from '../src/database/unit-of-work.js';
import { DeliveriesRepository, lockedDeliveries } from '../src/deliveries/deliveries.repository.js';
import { PolicyFactsRepository } from '../src/deliveries/policy/policy-facts.repository.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

/** Shared transactions (UnitOfWork.shared), their group commit and the statements their steps share (Tx.batch). */
describe('shared transactions', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let db: UnitOfWork;

  beforeAll(async () => {
    env = await NotifyTestEnv.start();
    a = env.tenant();
    db = env.t.app.get(UnitOfWork);
  });
  afterAll(async () => {
    await env?.close();
  });

  const txid = (tx: Tx) => tx.one<{ id: string }>('SELECT txid_current()::text AS id').then((r) => r!.id);
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const queuedEmail = async () => {
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: `s-${randomUUID()}@example.com` }, subject: 'S', body: 'B' },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    return res.body.data as { id: string; to: { email: string } };
  };

  it("the service's connections run in pg's pipeline mode: side-by-side steps' statements go out together", async () => {
    // Without it, pg queues them on the client one answer at a time (a queue deprecated for pg@9).
    const runner = env.t.app.get(DataSource).createQueryRunner();
    try {
      const client = (await runner.connect()) as { pipeline?: boolean };
      expect(client.pipeline).toBe(true);
    } finally {
      await runner.release();
    }
    const ids = await Promise.all([1, 2, 3].map(() => db.shared(a.tenantId, (tx) => txid(tx))));
    expect(new Set(ids).size).toBe(1);
  });

  it('what the steps of one transaction ask for in the same turn runs once for all of them (Tx.batch)', async () => {
    const calls: number[][] = [];
    const step = (n: number) =>
      db.shared(a.tenantId, (tx) =>
        tx
          .batch('test_double', async (items: readonly number[]) => {
            calls.push([...items]);
            const rows = await tx.rows<{ v: number }>('SELECT v * 2 AS v FROM unnest($1::int[]) AS u(v)', [items]);
            return rows.map((r) => r.v);
          })
          .load(n),
      );
    expect(await Promise.all([step(1), step(2), step(3)])).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('steps about the same thing (key) never share a transaction: the later sees what the first committed', async () => {
    const address = `k-${randomUUID()}@example.com`;
    const count = (tx: Tx) =>
      tx.one<{ n: number }>('SELECT count(*)::int AS n FROM suppressions WHERE address = $1', [address]).then((r) => r!.n);
    const [first, second, unkeyed] = await Promise.all([
      db.shared(
        a.tenantId,
        async (tx) => {
          await tx.exec(`INSERT INTO suppressions (tenant_id, channel, address, reason, created_by) VALUES ($1, 'email', $2, 'r', 't')`, [
            a.tenantId,
            address,
          ]);
          return { txid: await txid(tx), seen: await count(tx) };
        },
        { key: 'same' },
      ),
      db.shared(a.tenantId, async (tx) => ({ txid: await txid(tx), seen: await count(tx) }), { key: 'same' }),
      db.shared(a.tenantId, async (tx) => ({ txid: await txid(tx), seen: 0 })),
    ]);
    expect(unkeyed.txid).toBe(first.txid);
    expect(second.txid).not.toBe(first.txid);
    expect(second.seen).toBe(1);
  });

  it('a tenant runs at most four shared transactions at once; the steps asked for meanwhile wait and go together', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const running: Array<Promise<string>> = [];
    for (let i = 0; i < 4; i++) {
      running.push(db.shared(a.tenantId, async (tx) => (await gate, txid(tx))));
      await nextTurn();
    }
    const started: number[] = [];
    const waiting: Array<Promise<string>> = [];
    for (let i = 0; i < 3; i++) {
      waiting.push(db.shared(a.tenantId, async (tx) => (started.push(i), txid(tx))));
      await nextTurn();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual([]);
    open();
    const first = await Promise.all(running);
    const later = await Promise.all(waiting);
    expect(new Set(first).size).toBe(4);
    expect(new Set(later).size).toBe(1);
    expect(first).not.toContain(later[0]);
  });

  it('batched moves of one delivery in the same turn apply one after the other, each with its event', async () => {
    const repo = env.t.app.get(DeliveriesRepository);
    const d = await queuedEmail();
    await Promise.all([
      db.shared(a.tenantId, (tx) => repo.transition(tx, d.id, 'cancelled', { status_reason: 'one' })),
      db.shared(a.tenantId, (tx) => repo.transition(tx, d.id, 'failed', { status_reason: 'two' })),
    ]);
    const [row] = await env.systemQuery<{ status: string; status_reason: string }>(
      'SELECT status, status_reason FROM deliveries WHERE id = $1',
      [d.id],
    );
    expect(row).toEqual({ status: 'failed', status_reason: 'two' });
    const events = await env.systemQuery<{ type: string }>('SELECT type FROM delivery_events WHERE delivery_id = $1 ORDER BY id', [d.id]);
    expect(events.map((e) => e.type)).toEqual(['queued', 'cancelled', 'failed']);
  });

  it('deliveries locked together each get their own row and facts; one missing gets nothing', async () => {
    const facts = env.t.app.get(PolicyFactsRepository);
    const [d1, d2] = [await queuedEmail(), await queuedEmail()];
    const got = await Promise.all([d2.id, randomUUID(), d1.id].map((id) => db.shared(a.tenantId, (tx) => facts.lockWithFacts(tx, id))));
    expect(got.map((g) => g?.row.address)).toEqual([d2.to.email, undefined, d1.to.email]);
    expect(got[0]!.facts.suppressed.size).toBe(0);
  });

  it('concurrent accepts inserted together each answer with their own delivery, one event and one job each', async () => {
    const sent = await Promise.all(Array.from({ length: 12 }, () => queuedEmail()));
    const ids = sent.map((d) => d.id);
    const rows = await env.systemQuery<{ id: string; address: string; events: number; jobs: number }>(
      `SELECT d.id, d.address,
              (SELECT count(*)::int FROM delivery_events e WHERE e.delivery_id = d.id) AS events,
              (SELECT count(*)::int FROM graphile_worker.jobs j WHERE j.key = d.id::text) AS jobs
       FROM deliveries d WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const d of sent) expect(byId.get(d.id)).toEqual({ id: d.id, address: d.to.email, events: 1, jobs: 1 });
  });

  it('a transaction whose ROLLBACK fails gives its connection back once, and it is not reused', async () => {
    const ds = env.t.app.get(DataSource);
    // TypeORM's own list, which DataSource.destroy() empties one release() at a time before ending the pool:
    // a released runner left in it made the shutdown spin forever.
    const connected = () => (ds.driver as unknown as { connectedQueryRunners: Array<{ isReleased: boolean }> }).connectedQueryRunners;
    // A ROLLBACK that fails, through TypeORM's public hook (in production: the connection broke under it).
    const refusing: EntitySubscriberInterface = {
      beforeTransactionRollback: () => {
        throw new Error('rollback refused');
      },
    };
    ds.subscribers.push(refusing);
    let pid = 0;
    try {
      await expect(
        db.tenant(a.tenantId, async (tx) => {
          pid = (await tx.one<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid;
          throw new Error('step failed');
        }),
      ).rejects.toThrow('step failed');
    } finally {
      ds.subscribers.splice(ds.subscribers.indexOf(refusing), 1);
    }
    const leftBehind = connected().filter((r) => r.isReleased);
    // Taken out again before asserting, so that a regression fails here instead of hanging the suite's teardown.
    for (const r of leftBehind) connected().splice(connected().indexOf(r), 1);
    expect(leftBehind.length).toBe(0);
    // Its connection left the pool: the backend ends, and the next transactions run on others.
    const alive = async () => (await ds.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]))[0].n as number;
    for (let i = 0; i < 50 && (await alive()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alive()).toBe(0);
    const pids = await Promise.all(
      [1, 2, 3].map(() => db.tenant(a.tenantId, (tx) => tx.one<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((r) => r!.pid))),
    );
    expect(pids).not.toContain(pid);
  });
  it("the worker's lock statement keeps one generic plan instead of being planned at every execution", async () => {
    const ids = [(await queuedEmail()).id, (await queuedEmail()).id, (await queuedEmail()).id];
    const name = `test_lock_${randomUUID().slice(0, 8)}`;
    const plans = await db.tenant(a.tenantId, async (tx) => {
      for (let i = 0; i < 8; i++) {
        const rows = await tx.rows<{ id: string }>(`SELECT t.id FROM ${lockedDeliveries('id', '$2')}`, [a.tenantId, ids], name);
        expect(rows.map((r) => r.id)).toEqual([...ids].sort());
      }
      return tx.one<{ generic: string; custom: string }>(
        'SELECT generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements WHERE name = $1',
        [name],
      );
    });
    // PostgreSQL tries five custom plans, then keeps the generic one when it costs no more. With the id
    // array in sight of the planner, every custom plan looked cheaper and all eight were planned anew.
    expect(Number(plans!.generic)).toBeGreaterThan(0);
    expect(Number(plans!.custom)).toBeLessThanOrEqual(5);
  });
});
