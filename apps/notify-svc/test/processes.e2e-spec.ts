import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createTestDatabase, eventually, freePort, startNodeProcess, type NodeProcess, type TestDatabase } from '#testing';

/**
 * notify-svc on several processes of one machine (NOTIFY_PROCESSES, node:cluster): the primary
 * supervises, each worker is the whole service on the same port. Real processes from dist/.
 */
const INTERNAL_KEY = 'processes-internal-key-0123456789abcdef';

/** The process ids of `pid`'s children (Linux /proc). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);

/** One request on a connection of its own, so the primary hands each to the next process in turn. */
function request(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exitOf = (p: NodeProcess) =>
  new Promise<number | null>((resolve) =>
    p.proc.exitCode !== null ? resolve(p.proc.exitCode) : p.proc.once('exit', (code) => resolve(code)),
  );

describe('notify-svc on several processes (NOTIFY_PROCESSES)', () => {
  let db: TestDatabase;
  let port: number;
  let svc: NodeProcess;
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    NOTIFY_PORT: String(port),
    NOTIFY_DATABASE_URL: db.url,
    AUTH_ISSUER: 'http://processes.test',
    AUTH_AUDIENCE: 'processes-e2e',
    // No auth-svc in this suite: the JWKS and the revocation feed are simply unreachable.
    AUTH_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    AUTH_INTROSPECTION_URL: 'http://127.0.0.1:9/auth/v1/introspect',
    AUTH_REVOCATIONS_URL: 'http://127.0.0.1:9/auth/v1/revocations',
    INTERNAL_API_KEYS: INTERNAL_KEY,
    NOTIFY_PROCESSES: '2',
    DB_POOL_SIZE: '3',
    WORKER_CONCURRENCY: '2',
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase('processes');
    port = await freePort();
    svc = await startNodeProcess('apps/notify-svc/src/main.js', env(), new URL(`http://127.0.0.1:${port}/health/ready`), 120_000);
  }, 180_000);

  afterAll(async () => {
    await svc?.stop();
    await db?.drop();
  }, 60_000);

  const scrape = async () => {
    const res = await request(port, 'GET', '/metrics', { 'x-internal-api-key': INTERNAL_KEY });
    expect(res.status).toBe(200);
    const m = /^notify_receipts_total\{[^}]*provider="generic"[^}]*outcome="bad_signature"[^}]*\} (\d+)/m.exec(res.text);
    return Number(m?.[1] ?? 0);
  };

  it('answers on one port from two processes, and one scrape counts what both did', async () => {
    await eventually(() => childrenOf(svc.proc.pid!).length === 2 || undefined, 30_000, 'two processes', 100);
    // 20 refused receipts (no signature: 401), each on its own connection: the primary deals them out in turn.
    for (let i = 0; i < 20; i++) {
      const res = await request(port, 'POST', '/notify/v1/webhooks/generic', { 'content-type': 'application/json' }, '{}');
      expect(res.status).toBe(401);
    }
    // Each scrape lands on one process or the other; each must count all 20 (one process's own count is about 10).
    for (let i = 0; i < 6; i++) expect(await scrape()).toBe(20);
  }, 60_000);

  it('replaces a process that dies, and keeps answering meanwhile', async () => {
    const [victim, survivor] = childrenOf(svc.proc.pid!);
    // A process that dies within 10 s of listening counts as a crash at start (no restart): wait past it.
    await sleep(10_500);
    process.kill(victim!, 'SIGKILL');
    await eventually(() => !childrenOf(svc.proc.pid!).includes(victim!) || undefined, 10_000, 'the primary to see it gone', 100);
    expect((await request(port, 'GET', '/health')).status).toBe(200);
    const now = await eventually(
      () => {
        const c = childrenOf(svc.proc.pid!);
        return c.length === 2 && !c.includes(victim!) ? c : undefined;
      },
      60_000,
      'a replacement process',
      100,
    );
    expect(now).toContain(survivor);
    await eventually(() => svc.output().includes('starting another') || undefined, 10_000, 'the restart logged', 100);
    await eventually(
      async () => (await request(port, 'GET', '/health/ready').catch(() => ({ status: 0 }))).status === 200,
      10_000,
      'readiness',
      100,
    );
    for (let i = 0; i < 6; i++) expect((await request(port, 'GET', '/health')).status).toBe(200);
  }, 120_000);

  it('stops every process on SIGTERM and exits 0', async () => {
    const children = childrenOf(svc.proc.pid!);
    expect(children).toHaveLength(2);
    const code = exitOf(svc);
    svc.proc.kill('SIGTERM');
    const timedOut = sleep(30_000).then(() => {
      throw new Error(`still running 30 s after SIGTERM:\n${svc.output()}`);
    });
    expect(await Promise.race([code, timedOut])).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);

  it('exits 1 when its processes cannot start (the port is taken)', async () => {
    const taken = http.createServer();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', r));
    try {
      await expect(startNodeProcess('apps/notify-svc/src/main.js', env(), /never ready/, 60_000)).rejects.toThrow(/exited \(1\)/);
    } finally {
      taken.close();
    }
  }, 90_000);
});
