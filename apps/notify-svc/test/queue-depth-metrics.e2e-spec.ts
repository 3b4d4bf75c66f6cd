import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { INTERNAL_KEY, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

/** The queue-depth gauges the Helm chart's worker HPA scales on (deploy/helm). Workers are off here. */
describe('queue depth on /metrics', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start();
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  const scrape = async () => {
    const res = await env.http.get('/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    expect(res.status).toBe(200);
    const value = (series: string) => {
      const line = res.text.split('\n').find((l) => l.startsWith(`${series} `));
      if (!line) throw new Error(`${series} missing from /metrics`);
      return Number(line.slice(series.length + 1));
    };
    const state = (s: string) => value(`notify_queue_jobs{state="${s}",service="notify-svc"}`);
    return {
      ready: state('ready'),
      scheduled: state('scheduled'),
      running: state('running'),
      failed: state('failed'),
      oldest: value('notify_queue_oldest_ready_seconds{service="notify-svc"}'),
    };
  };
  const send = (extra: object = {}) =>
    env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: `q-${randomUUID()}@example.com` }, subject: 'Hi', body: 'Body', ...extra },
      { token: a.organizer },
    );

  it('counts ready, scheduled, running and failed jobs of every instance, and the oldest ready job age', async () => {
    const before = await scrape();
    const now1 = await send();
    const now2 = await send();
    const later = await send({ sendAt: new Date(Date.now() + 3600_000).toISOString() });
    expect([now1.status, now2.status, later.status]).toEqual([202, 202, 202]);
    const after = await scrape();
    expect(after.ready - before.ready).toBe(2);
    expect(after.scheduled - before.scheduled).toBe(1);
    expect(after.running).toBe(before.running);

    // One job taken by a worker (locked), one due for 120 s, one out of attempts.
    const job = (deliveryId: string) => `(SELECT id FROM graphile_worker.jobs WHERE key = '${deliveryId}')`;
    await env.systemQuery(
      `UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test-worker' WHERE id = ${job(now1.body.data.id)}`,
    );
    await env.systemQuery(
      `UPDATE graphile_worker._private_jobs SET run_at = now() - interval '120 seconds' WHERE id = ${job(now2.body.data.id)}`,
    );
    const locked = await scrape();
    expect(locked.ready - before.ready).toBe(1);
    expect(locked.running - before.running).toBe(1);
    expect(locked.oldest).toBeGreaterThanOrEqual(120);

    await env.systemQuery(`UPDATE graphile_worker._private_jobs SET attempts = max_attempts WHERE id = ${job(now2.body.data.id)}`);
    const failed = await scrape();
    expect(failed.failed - before.failed).toBe(1);
    expect(failed.ready - before.ready).toBe(0);
  });
});
