import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startApiProcess, startWorkerProcess, type ServiceProcess } from './support/service-processes.js';

/** The delivery pipeline end to end: accept → queue → worker → provider → final status. */
describe('delivery pipeline', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'true', WORKER_HEARTBEAT_TIMEOUT: '3', DELIVERY_SEND_LEASE: '4' });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  const get = (id: string) => env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
  const until = (id: string, status: string, timeoutMs = 10_000) =>
    env.eventually(
      async () => {
        const r = await get(id);
        return r.body.data.status === status && r.body.data;
      },
      timeoutMs,
      `delivery ${id} to be ${status}`,
    );

  it('sends a scheduled delivery within 2 s of its time, with no external scheduler', async () => {
    const sendAt = new Date(Date.now() + 1500);
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'in_app', to: { userId: a.userId }, body: 'on time', sendAt: sendAt.toISOString() },
      { token: a.organizer },
    );
    expect(res.body.data.status).toBe('scheduled');
    const d = await until(res.body.data.id, 'delivered', 8000);
    const late = new Date(d.sentAt).getTime() - sendAt.getTime();
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(2000);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['scheduled', 'sent', 'delivered']);
    const inbox = await env.http.get('/notify/v1/notifications', { token: a.user });
    expect(inbox.body.data.map((n: { deliveryId: string }) => n.deliveryId)).toContain(d.id);
  });

  it('re-checks the policy just before sending: a suppression or an opt-out added after acceptance wins', async () => {
    const addr = `late-${randomUUID()}@example.com`;
    const sendAt = new Date(Date.now() + 1200).toISOString();
    const email = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: addr }, subject: 'S', body: 'B', sendAt },
      { token: a.organizer },
    );
    const inApp = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'in_app', to: { userId: a.organizerId }, body: 'B', category: 'digest', sendAt },
      { token: a.organizer },
    );
    expect(email.body.data.status).toBe('scheduled');
    await env.http.post('/notify/v1/suppressions', { channel: 'email', address: addr, reason: 'complaint' }, { token: a.organizer });
    await env.http.put('/notify/v1/preferences', { categories: { digest: { all: false } } }, { token: a.organizer });
    const suppressed = await until(email.body.data.id, 'suppressed');
    expect(suppressed.statusReason).toBe('address is suppressed');
    expect(suppressed.providerAttempts).toEqual([]);
    const skipped = await until(inApp.body.data.id, 'skipped');
    expect(skipped.statusReason).toBe('recipient opted out');
  });

  it('a paused quota (daily limit 0) set after acceptance withholds the send', async () => {
    const t = env.tenant();
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'sms', to: { phone: '+14155507777' }, body: 'x', sendAt: new Date(Date.now() + 1000).toISOString() },
      { token: t.organizer },
    );
    expect((await env.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: 0 }, { token: t.admin })).status).toBe(200);
    // The worker's quota cache is per process: this test's app is the one that set it.
    const d = await env.eventually(async () => {
      const r = await env.http.get(`/notify/v1/deliveries/${res.body.data.id}`, { token: t.admin });
      return r.body.data.status === 'skipped' && r.body.data;
    });
    expect(d.statusReason).toMatch(/quota/);
  });

  it('records every attempt and lifecycle event; an admin replays a failed delivery', async () => {
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'sms', to: { phone: '+14155508888' }, body: 'hello' },
      { token: a.organizer },
    );
    const sent = await until(res.body.data.id, 'sent');
    expect(sent.provider).toBe('dev');
    expect(sent.providerMessageId).toMatch(/^dev-/);
    expect(sent.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sending', 'sent']);
    expect(sent.providerAttempts).toMatchObject([{ attempt: 1, provider: 'dev', outcome: 'sent', errorCode: null }]);
    expect(typeof sent.providerAttempts[0].durationMs).toBe('number');
    // Only a failed delivery can be replayed.
    const conflict = await env.http.post(`/notify/v1/deliveries/${sent.id}/retry`, {}, { token: a.admin });
    expect(conflict.status).toBe(409);
    await env.systemQuery(`UPDATE deliveries SET status = 'failed', failed_at = now() WHERE id = $1`, [sent.id]);
    expect((await env.http.post(`/notify/v1/deliveries/${sent.id}/retry`, {}, { token: a.organizer })).status).toBe(403);
    expect((await env.http.post(`/notify/v1/deliveries/${randomUUID()}/retry`, {}, { token: a.admin })).status).toBe(404);
    const replay = await env.http.post(`/notify/v1/deliveries/${sent.id}/retry`, {}, { token: a.admin });
    expect(replay.status).toBe(200);
    const again = await until(sent.id, 'sent');
    expect(again.providerAttempts.map((x: { attempt: number }) => x.attempt)).toEqual([1, 2]);
    expect(again.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sending', 'sent', 'replayed', 'sending', 'sent']);
  });

  it('GET /admin/providers shows each channel with its provider, counts and backlog', async () => {
    const res = await env.http.get('/notify/v1/admin/providers', { token: a.admin });
    expect(res.status).toBe(200);
    const sms = res.body.data.find((p: { channel: string }) => p.channel === 'sms');
    expect(sms).toMatchObject({ provider: 'dev', status: 'dev' });
    expect(sms.last24h.sent).toBeGreaterThanOrEqual(2);
    const inApp = res.body.data.find((p: { channel: string }) => p.channel === 'in_app');
    expect(inApp.provider).toBe('inbox');
  });
});

describe('worker processes', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'false', QUOTA_DAILY_FREE: '100000', RATE_LIMIT_FREE: '100000/1m' });
    a = env.tenant();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await env?.close();
  });

  const acceptBatch = async (n: number, channel = 'sms') => {
    const ids: string[] = [];
    for (let start = 0; start < n; start += 1000) {
      const recipients = Array.from({ length: Math.min(1000, n - start) }, (_, i) => ({
        to: { phone: `+1415${2000000 + start + i}` },
      }));
      const res = await env.http.post('/notify/v1/deliveries/batch', { channel, body: 'x', recipients }, { token: a.organizer });
      expect(res.status).toBe(202);
      ids.push(...res.body.data.deliveries.map((d: { id: string }) => d.id));
    }
    return ids;
  };

  it('two worker processes on one database share 1,000 deliveries without sending any twice', async () => {
    workers.push(await startWorkerProcess(env, { WORKER_CONCURRENCY: '8' }), await startWorkerProcess(env, { WORKER_CONCURRENCY: '8' }));
    const ids = await acceptBatch(1000);
    await env.eventually(
      async () => {
        const [r] = await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE id = ANY($1) AND status = 'sent'`, [
          ids,
        ]);
        return r!.n === '1000';
      },
      60_000,
      '1,000 deliveries sent',
    );
    const attempts = await env.systemQuery<{ n: string; many: string }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE attempt > 1) AS many FROM delivery_attempts WHERE delivery_id = ANY($1)`,
      [ids],
    );
    expect(attempts[0]).toEqual({ n: '1000', many: '0' });
    const sending = await env.systemQuery<{ n: string }>(
      `SELECT count(*) AS n FROM delivery_events WHERE delivery_id = ANY($1) AND type = 'sending'`,
      [ids],
    );
    expect(sending[0]!.n).toBe('1000');
    // Both processes took part.
    const pools = await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM worker_heartbeats');
    expect(Number(pools[0]!.n)).toBe(2);
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGTERM')));
    expect(await env.systemQuery('SELECT 1 FROM worker_heartbeats')).toEqual([]);
  }, 120_000);

  it('an Idempotency-Key request whose process is killed right after its commit, retried: one delivery', async () => {
    const key = randomUUID();
    const body = { channel: 'sms', to: { phone: '+14155509999' }, body: `kill-${key}` };
    const api = await startApiProcess(env);
    const first = fetch(`${api.url}/notify/v1/deliveries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.organizer}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    }).catch((err: unknown) => err);
    // Kill the process the moment its transaction is visible, whether or not the answer left.
    await env.eventually(
      async () => (await env.systemQuery(`SELECT 1 FROM deliveries WHERE content->>'text' = $1`, [body.body])).length > 0,
      10_000,
      'the commit',
    );
    await api.kill('SIGKILL');
    await first;
    const retried = await env.http.post('/notify/v1/deliveries', body, { token: a.organizer, headers: { 'idempotency-key': key } });
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const rows = await env.systemQuery<{ id: string }>(`SELECT id FROM deliveries WHERE content->>'text' = $1`, [body.body]);
    expect(rows).toHaveLength(1);
    expect(retried.body.data.id).toBe(rows[0]!.id);
  }, 60_000);

  it('a diagnostic report asked with SIGUSR2 leaves the API and a worker running; SIGTERM then stops them cleanly', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'notify-report-'));
    try {
      // Node's own diagnostics: `--report-on-signal` writes a report on SIGUSR2 (so does `--heapsnapshot-signal=SIGUSR2`).
      const diagnostics = { NODE_OPTIONS: `--report-on-signal --report-directory=${dir}` };
      const api = await startApiProcess(env, diagnostics);
      const worker = await startWorkerProcess(env, diagnostics);
      workers.push(api, worker);
      for (const p of [api, worker]) p.proc.kill('SIGUSR2');
      await env.eventually(async () => (await readdir(dir)).filter((f) => f.endsWith('.json')).length === 2, 15_000, 'two reports');
      await new Promise((r) => setTimeout(r, 500));
      expect([api.proc.exitCode, api.proc.signalCode, worker.proc.exitCode, worker.proc.signalCode]).toEqual([null, null, null, null]);
      expect((await fetch(`${api.url}/health`)).status).toBe(200);
      await Promise.all(workers.splice(0).map((w) => w.kill('SIGTERM')));
      // Nest closes the app, then raises the signal again: ended by SIGTERM, after the worker left its heartbeat.
      expect([api.proc.signalCode, worker.proc.signalCode]).toEqual(['SIGTERM', 'SIGTERM']);
      expect(await env.systemQuery('SELECT 1 FROM worker_heartbeats')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
