import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startWorkerProcess, type ServiceProcess } from './support/service-processes.js';

describe('contact jobs (large group send, CSV import) with their worker killed mid-way', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  const workers: ServiceProcess[] = [];
  const N = 20_000;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ WORKERS_ENABLED: 'false', QUOTA_DAILY_ENTERPRISE: '1000000' });
    a = env.tenant();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await env?.close();
  });

  it('SIGKILL during expansion: another worker resumes and every contact gets exactly one delivery', async () => {
    const workerEnv = { WORKER_HEARTBEAT_TIMEOUT: '2', QUOTA_DAILY_ENTERPRISE: '1000000' };
    const first = await startWorkerProcess(env, workerEnv);
    workers.push(first);
    const tag = randomUUID().slice(0, 8);
    const csv = `email,attr.wave\n${Array.from({ length: N }, (_, i) => `w${i}-${tag}@example.com,${tag}`).join('\n')}`;
    const imported = await env.http.post('/notify/v1/contacts/import', undefined, {
      token: a.organizer,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(202);
    await env.eventually(
      async () =>
        (await env.http.get(`/notify/v1/contacts/imports/${imported.body.data.id}`, { token: a.user })).body.data.status === 'completed',
      60_000,
      'the import',
    );
    const group = await env.http.post(
      '/notify/v1/groups',
      { name: `wave-${tag}`, kind: 'dynamic', filter: { attributes: { wave: tag } } },
      { token: a.organizer },
    );
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { groupId: group.body.data.id }, subject: 'Wave', body: 'Hello', sendAt },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    expect(res.body.data).toMatchObject({ status: 'expanding', targeted: N });
    const batchId = res.body.data.batchId as string;
    const progress = async () =>
      (
        await env.systemQuery<{ status: string; queued: number }>('SELECT status, queued FROM contact_group_sends WHERE id = $1', [batchId])
      )[0]!;

    // Kill the worker once some chunks are committed and others are not.
    const mid = await env.eventually(async () => {
      const p = await progress();
      return p.queued > 0 ? p : undefined;
    }, 30_000);
    await first.kill('SIGKILL');
    expect(mid.status).toBe('expanding');
    const atKill = await progress();
    expect(atKill.queued).toBeLessThan(N);

    workers.push(await startWorkerProcess(env, workerEnv));
    await env.eventually(async () => (await progress()).status === 'done', 60_000, 'the expansion to finish');
    const [d] = await env.systemQuery<{ n: string; addresses: string }>(
      `SELECT count(*) AS n, count(DISTINCT address) AS addresses FROM deliveries WHERE batch_id = $1`,
      [batchId],
    );
    expect(d).toEqual({ n: String(N), addresses: String(N) });
    expect((await progress()).queued).toBe(N);
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGTERM')));
  }, 180_000);

  it('SIGKILL during an import: another worker resumes after the last committed chunk; every row applied once', async () => {
    const workerEnv = { WORKER_HEARTBEAT_TIMEOUT: '2' };
    const first = await startWorkerProcess(env, workerEnv);
    workers.push(first);
    const rows = 30_000;
    const tag = randomUUID().slice(0, 8);
    const csv = `externalId,email,attr.batch\n${Array.from({ length: rows }, (_, i) => `k-${tag}-${i},k${i}-${tag}@example.com,${tag}`).join('\n')}`;
    const res = await env.http.post('/notify/v1/contacts/import', undefined, {
      token: a.organizer,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(202);
    const status = async () => (await env.http.get(`/notify/v1/contacts/imports/${res.body.data.id}`, { token: a.user })).body.data;
    const mid = await env.eventually(async () => {
      const s = await status();
      return s.processedRows > 0 ? s : undefined;
    }, 30_000);
    await first.kill('SIGKILL');
    expect(mid.status).toBe('running');
    expect((await status()).processedRows).toBeLessThan(rows);

    workers.push(await startWorkerProcess(env, workerEnv));
    const done = await env.eventually(async () => {
      const s = await status();
      return s.status === 'completed' ? s : undefined;
    }, 60_000);
    expect(done).toMatchObject({ totalRows: rows, processedRows: rows, created: rows, updated: 0, unchanged: 0, failed: 0 });
    const [n] = await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM contacts WHERE attributes->>'batch' = $1`, [tag]);
    expect(n!.n).toBe(String(rows));
  }, 180_000);
});
