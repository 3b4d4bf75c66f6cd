import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startWorkerProcess, type ServiceProcess } from './support/service-processes.js';
import { startSmtp } from './support/smtp-peer.js';

/**
 * Workflow runs survive a worker process killed with SIGKILL, and two workers on one database run
 * each step once: while runs wait out a delay, and while digests are being flushed. The API runs in
 * this process (workers off); the workers are separate `start:worker` processes on real time.
 */
describe('workflow runs across SIGKILL of a worker process, then two workers', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let workerEnv: Record<string, string>;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'false' });
    a = env.tenant();
    workerEnv = {
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Notify <notify@example.test>',
      WORKER_HEARTBEAT_TIMEOUT: '3',
      DELIVERY_SEND_LEASE: '4',
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_INTERVAL: '1',
      WORKFLOW_POLL_INTERVAL: '1s',
    };
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const uniq = () => randomUUID().slice(0, 8);
  const post = (path: string, body: object) => env.http.post(path, body, { token: a.organizer });
  const statusCounts = async (key: string) =>
    new Map(
      (
        await env.systemQuery<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM workflow_runs WHERE tenant_id = $1 AND workflow_key = $2 GROUP BY status`,
          [a.tenantId, key],
        )
      ).map((r) => [r.status, r.n]),
    );

  it('killed while runs wait in a delay: every run finishes, each step sends exactly once', async () => {
    const key = `crash-delay-${uniq()}`;
    const created = await post('/notify/v1/workflows', {
      key,
      name: 'two emails around a delay',
      steps: [
        { type: 'email', name: 'first', content: { subject: 'first', body: 'one' } },
        { type: 'delay', for: '4s' },
        { type: 'email', name: 'second', content: { subject: 'second', body: 'two' } },
      ],
    });
    expect(created.status).toBe(201);
    const to = Array.from({ length: 40 }, (_, i) => ({ email: `delay-${i}-${uniq()}@example.test` }));
    const t = await post(`/notify/v1/workflows/${key}/trigger`, { to });
    expect(t.status).toBe(202);
    expect(t.body.data.runs).toHaveLength(40);

    workers.push(await startWorkerProcess(env, workerEnv));
    await env.eventually(async () => (await statusCounts(key)).get('waiting') === 40, 30_000, 'every run waiting in its delay');
    await workers.shift()!.kill('SIGKILL');

    workers.push(await startWorkerProcess(env, workerEnv), await startWorkerProcess(env, workerEnv));
    await env.eventually(async () => (await statusCounts(key)).get('completed') === 40, 60_000, 'every run completed');
    await env.eventually(async () => smtp.mails.filter((m) => to.some((x) => x.email === m.to)).length >= 80, 60_000, '80 emails');
    await new Promise((r) => setTimeout(r, 1500));
    for (const x of to) {
      expect(
        smtp
          .to(x.email)
          .map((m) => m.subject)
          .sort(),
      ).toEqual(['first', 'second']);
    }
    const perStep = await env.systemQuery<{ name: string; n: number; deliveries: number }>(
      `SELECT s.name, count(*)::int AS n, sum(cardinality(s.delivery_ids))::int AS deliveries
       FROM workflow_run_steps s JOIN workflow_runs r ON r.id = s.run_id WHERE r.workflow_key = $1 AND r.tenant_id = $2 GROUP BY s.name ORDER BY s.name`,
      [key, a.tenantId],
    );
    expect(perStep).toEqual([
      { name: 'first', n: 40, deliveries: 40 },
      { name: 'second', n: 40, deliveries: 40 },
      { name: 'step-2', n: 40, deliveries: 0 },
    ]);
  }, 150_000);

  it('killed while digests are being flushed: each recipient gets exactly one digest of its 3 triggers', async () => {
    const tpl = await post('/notify/v1/templates', {
      key: `crash-digest-${uniq()}`,
      name: 'Digest',
      channels: { email: { subject: '{{digest.count}} updates', text: 'updates: {{digest.count}}' } },
    });
    expect(tpl.status).toBe(201);
    const key = `crash-digest-${uniq()}`;
    const created = await post('/notify/v1/workflows', {
      key,
      name: 'digest',
      steps: [
        { type: 'digest', window: '6s' },
        { type: 'email', templateKey: tpl.body.data.key },
      ],
    });
    expect(created.status).toBe(201);
    const to = Array.from({ length: 150 }, (_, i) => ({ email: `digest-${i}-${uniq()}@example.test` }));
    for (let round = 0; round < 3; round++) {
      const t = await post(`/notify/v1/workflows/${key}/trigger`, { to, data: { round } });
      expect(t.status).toBe(202);
    }

    workers.push(await startWorkerProcess(env, workerEnv));
    await env.eventually(
      async () => {
        const c = await statusCounts(key);
        return (c.get('digested') ?? 0) === 300 && (c.get('waiting') ?? 0) + (c.get('completed') ?? 0) === 150;
      },
      60_000,
      '300 triggers digested into 150 runs',
    );
    // Kill as soon as the flushes have started (the first digest run completed) and before they end.
    await env.eventually(async () => ((await statusCounts(key)).get('completed') ?? 0) >= 1, 30_000, 'flushing started');
    await workers.shift()!.kill('SIGKILL');
    const atKill = (await statusCounts(key)).get('completed') ?? 0;

    workers.push(await startWorkerProcess(env, workerEnv), await startWorkerProcess(env, workerEnv));
    await env.eventually(async () => (await statusCounts(key)).get('completed') === 150, 60_000, 'every digest flushed');
    await env.eventually(async () => smtp.mails.filter((m) => to.some((x) => x.email === m.to)).length >= 150, 60_000, '150 emails');
    await new Promise((r) => setTimeout(r, 1500));
    for (const x of to) {
      expect(smtp.to(x.email).map((m) => m.subject)).toEqual(['3 updates']);
    }
    // Sanity of the timing: the kill fell within the flushes (some done, not all).
    expect(atKill).toBeLessThan(150);
  }, 180_000);
});
