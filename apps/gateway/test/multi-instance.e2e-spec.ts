import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import {
  createTestDatabase,
  eventually as pollUntil,
  freePort,
  HttpClient,
  SseClient,
  startNodeProcess,
  type NodeProcess,
  type TestDatabase,
} from '#testing';
import { createLogger } from '#common';
import { buildGateway } from '../src/gateway.js';

/**
 * Past one machine: two auth-svc, two notify-svc API instances (workers off) and two worker
 * processes (`start:worker`) on one PostgreSQL, the gateway balancing over both instances of each
 * service. Every instance is a real process (dist/), so one of each can be SIGKILLed mid-load.
 */
const ISSUER = 'http://multi.test';
const AUDIENCE = 'multi-e2e';
const INTERNAL_KEY = 'multi-instance-internal-key-0123456789';
const REVOCATION_POLL_S = 1;
/** A revoked session must be refused everywhere within this (one feed poll plus scheduling on a busy machine). */
const REVOCATION_BOUND_MS = 5_000;

interface Receiver {
  server: Server;
  url: string;
  /** webhook-id (the delivery id) → how many times it arrived. */
  seen: Map<string, number>;
}

/** A loopback webhook receiver that counts each delivery id. */
function startReceiver(): Promise<Receiver> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.statusCode = 204;
      res.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// This suite's probes are HTTP calls to processes under load: every 100 ms.
const eventually = <T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string) =>
  pollUntil(probe, timeoutMs, what, 100);
const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

/** Runs `fn` over `items` with at most `n` at once. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

describe('several instances of each service on one PostgreSQL, behind the gateway', () => {
  const procs: NodeProcess[] = [];
  let authDb: TestDatabase;
  let notifyDb: TestDatabase;
  let gateway: FastifyInstance;
  let gw: HttpClient;
  let receiver: Receiver;
  let notifySql: pg.Pool;
  let authSql: pg.Pool;
  const auth: Array<NodeProcess & { http: HttpClient }> = [];
  const notify: Array<NodeProcess & { http: HttpClient }> = [];
  const workers: NodeProcess[] = [];
  /** What the gateway logged at warn and above (upstream errors), shown when a case fails. */
  const gatewayLog: string[] = [];

  const authEnv = (port: number): NodeJS.ProcessEnv => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    AUTH_PORT: String(port),
    AUTH_DATABASE_URL: authDb.url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    INTERNAL_API_KEYS: INTERNAL_KEY,
    BCRYPT_COST: '4',
    KEY_CACHE_REFRESH: '1',
    RATE_LIMIT_SIGNUP: '1000/1m',
    RATE_LIMIT_LOGIN: '1000/1m',
    DB_POOL_SIZE: '4',
  });
  const notifyEnv = (gatewayUrl: string, extra: Record<string, string>): NodeJS.ProcessEnv => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    NOTIFY_DATABASE_URL: notifyDb.url,
    // The services find each other through the gateway too (any auth-svc instance answers).
    AUTH_JWKS_URL: `${gatewayUrl}/.well-known/jwks.json`,
    AUTH_INTROSPECTION_URL: `${gatewayUrl}/auth/v1/introspect`,
    AUTH_REVOCATIONS_URL: `${gatewayUrl}/auth/v1/revocations`,
    AUTH_REVOCATION_POLL: String(REVOCATION_POLL_S),
    AUTH_JWKS_MIN_REFETCH: '1',
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    INTERNAL_API_KEYS: INTERNAL_KEY,
    WORKERS_ENABLED: 'false',
    // Each instance on one process: the case kills one instance, not one process of an instance.
    NOTIFY_PROCESSES: '1',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // The free plan is the one the rate-limit case measures; load tenants are moved to enterprise.
    RATE_LIMIT_FREE: '100/1m',
    DB_POOL_SIZE: '4',
    ...extra,
  });

  beforeAll(async () => {
    [authDb, notifyDb, receiver] = await Promise.all([
      createTestDatabase('multi_auth'),
      createTestDatabase('multi_notify'),
      startReceiver(),
    ]);
    authSql = new pg.Pool({ connectionString: authDb.url, max: 2 });
    notifySql = new pg.Pool({ connectionString: notifyDb.url, max: 2 });
    const [a0, a1, n0, n1, g] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const url = (p: number) => `http://127.0.0.1:${p}`;
    gateway = await buildGateway(
      { AUTH_UPSTREAM_URL: [url(a0), url(a1)], NOTIFY_UPSTREAM_URL: `${url(n0)},${url(n1)}` },
      createLogger('gateway', 'warn', 'json', { write: (line) => void gatewayLog.push(line) }),
    );
    await gateway.listen({ port: g, host: '127.0.0.1' });
    gw = new HttpClient(url(g));
    const track = async (p: Promise<NodeProcess>) => {
      const started = await p;
      procs.push(started);
      return started;
    };
    // Both instances of a service start at once: migrations and setup race on one database.
    const [x0, x1] = await Promise.all(
      [a0, a1].map((port) =>
        track(startNodeProcess('apps/auth-svc/src/main.js', authEnv(port), new URL('/health/ready', url(port)), 120_000)),
      ),
    );
    auth.push(Object.assign(x0!, { http: new HttpClient(url(a0)) }), Object.assign(x1!, { http: new HttpClient(url(a1)) }));
    const [y0, y1, w0, w1] = await Promise.all([
      track(
        startNodeProcess(
          'apps/notify-svc/src/main.js',
          notifyEnv(url(g), { NOTIFY_PORT: String(n0) }),
          new URL('/health/ready', url(n0)),
          120_000,
        ),
      ),
      track(
        startNodeProcess(
          'apps/notify-svc/src/main.js',
          notifyEnv(url(g), { NOTIFY_PORT: String(n1) }),
          new URL('/health/ready', url(n1)),
          120_000,
        ),
      ),
      track(
        startNodeProcess(
          'apps/notify-svc/src/worker.js',
          notifyEnv(url(g), { WORKER_CONCURRENCY: '8', LOG_LEVEL: 'info' }),
          /delivery workers started/,
          90_000,
        ),
      ),
      track(
        startNodeProcess(
          'apps/notify-svc/src/worker.js',
          notifyEnv(url(g), { WORKER_CONCURRENCY: '8', LOG_LEVEL: 'info' }),
          /delivery workers started/,
          90_000,
        ),
      ),
    ]);
    notify.push(Object.assign(y0!, { http: new HttpClient(url(n0)) }), Object.assign(y1!, { http: new HttpClient(url(n1)) }));
    workers.push(w0!, w1!);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await gateway?.close();
    receiver?.server.close();
    await authSql?.end();
    await notifySql?.end();
    await authDb?.drop();
    await notifyDb?.drop();
  }, 60_000);

  /** A new tenant through the gateway; `plan` other than free is set in auth's database before its tokens are issued. */
  const tenant = async (plan: 'free' | 'enterprise' = 'enterprise') => {
    const email = `owner-${randomUUID()}@example.com`;
    const password = 'correct horse battery';
    const up = await gw.post('/auth/v1/signup', { email, password, name: 'Owner' });
    expect(up.status).toBe(201);
    const tenantId = up.body.data.tenant.id as string;
    const userId = up.body.data.user.id as string;
    if (plan !== 'free') await authSql.query('UPDATE tenants SET plan_tier = $1 WHERE id = $2', [plan, tenantId]);
    const login = await gw.post('/auth/v1/login', { email, password });
    expect(login.status).toBe(200);
    return {
      email,
      password,
      tenantId,
      userId,
      token: login.body.data.accessToken as string,
      refresh: login.body.data.refreshToken as string,
    };
  };
  const webhookEndpoint = async (token: string) => {
    const res = await gw.post('/notify/v1/webhook-endpoints', { url: `${receiver.url}/hook` }, { token });
    expect(res.status).toBe(201);
    return res.body.data.id as string;
  };

  it('signs up and logs in through the gateway, refreshes on one instance then the other, and both notify instances accept the token', async () => {
    const t = await tenant('free');
    const r1 = await auth[1]!.http.post('/auth/v1/refresh', { refreshToken: t.refresh });
    expect(r1.status).toBe(200);
    const r2 = await auth[0]!.http.post('/auth/v1/refresh', { refreshToken: r1.body.data.refreshToken });
    expect(r2.status).toBe(200);
    for (const token of [t.token, r1.body.data.accessToken, r2.body.data.accessToken] as string[]) {
      for (const n of notify) expect((await n.http.get('/notify/v1/deliveries?limit=1', { token })).status).toBe(200);
    }
    // The first refresh token was retired on instance 1: instance 0 knows it too, takes its reuse for
    // theft and ends the session, so both notify instances soon refuse the session's access tokens.
    expect((await auth[0]!.http.post('/auth/v1/refresh', { refreshToken: r1.body.data.refreshToken })).status).toBe(401);
    expect((await auth[1]!.http.post('/auth/v1/refresh', { refreshToken: r2.body.data.refreshToken })).status).toBe(401);
    for (const n of notify) {
      await eventually(
        async () => (await n.http.get('/notify/v1/deliveries?limit=1', { token: r2.body.data.accessToken as string })).status === 401,
        REVOCATION_BOUND_MS + 2_000,
        'the ended session refused by notify',
      );
    }
  });

  it('a revoked session is refused by both instances of both services within the bound', async () => {
    const t = await tenant();
    const probes = [
      ...auth.map((a) => () => a.http.get('/auth/v1/me', { token: t.token })),
      ...notify.map((n) => () => n.http.get('/notify/v1/notifications?limit=1', { token: t.token })),
    ];
    for (const p of probes) expect((await p()).status).toBe(200);
    const t0 = Date.now();
    expect((await gw.post('/auth/v1/logout', { refreshToken: t.refresh })).status).toBeLessThan(300);
    const refusedAt = await Promise.all(
      probes.map((p) =>
        eventually(async () => (await p()).status === 401 && Date.now() - t0, REVOCATION_BOUND_MS + 2_000, 'the revoked token refused'),
      ),
    );
    expect(Math.max(...refusedAt)).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('a signing-key rotation on one auth instance is used by the other and accepted by both notify instances', async () => {
    const t = await tenant();
    const rotated = await auth[0]!.http.post('/auth/v1/admin/keys/rotate', {}, { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    expect(rotated.status).toBe(200);
    const kid = rotated.body.data.kid as string;
    for (const a of auth) {
      await eventually(
        async () => (await a.http.get('/.well-known/jwks.json')).body.keys.some((k: { kid: string }) => k.kid === kid),
        10_000,
        'JWKS',
      );
    }
    const fresh = await eventually(
      async () => {
        const r = await auth[1]!.http.post('/auth/v1/login', { email: t.email, password: t.password });
        return kidOf(r.body.data.accessToken) === kid && (r.body.data.accessToken as string);
      },
      10_000,
      'instance 1 signing with the new key',
    );
    for (const n of notify) {
      await eventually(
        async () => (await n.http.get('/notify/v1/deliveries?limit=1', { token: fresh })).status === 200,
        10_000,
        'new kid accepted',
      );
    }
  });

  it('a topic message published on one instance reaches an SSE subscriber of the other', async () => {
    const t = await tenant();
    expect((await gw.post('/notify/v1/topics', { name: 'ops', visibility: 'private' }, { token: t.token })).status).toBe(201);
    const c = await SseClient.open(`${notify[1]!.http.baseUrl}/notify/v1/topics/ops/sse`, { authorization: `Bearer ${t.token}` });
    try {
      await c.until((e) => e.some((x) => x.event === 'open'), 10_000);
      const pub = await notify[0]!.http.post('/notify/v1/topics/ops', undefined, {
        raw: 'from instance 0',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${t.token}` },
      });
      expect(pub.status).toBe(200);
      await c.until((e) => e.some((x) => x.event === 'message' && JSON.parse(x.data).message === 'from instance 0'), 10_000);
    } finally {
      await c.close();
    }
  });

  it("an in-app SSE stream on one API instance is fed by a worker process's delivery accepted on the other", async () => {
    const t = await tenant();
    const c = await SseClient.open(`${notify[0]!.http.baseUrl}/notify/v1/notifications/stream`, { authorization: `Bearer ${t.token}` });
    try {
      await c.until((e) => e.some((x) => x.event === 'unread_count'), 10_000);
      const sent = await notify[1]!.http.post(
        '/notify/v1/deliveries',
        { channel: 'in_app', to: { userId: t.userId }, body: 'hello from a worker' },
        { token: t.token },
      );
      expect(sent.status).toBe(202);
      await c.until((e) => e.some((x) => x.event === 'notification' && JSON.parse(x.data).body === 'hello from a worker'), 20_000);
    } finally {
      await c.close();
    }
  });

  it('1,000 deliveries through the gateway are each sent exactly once by the two worker processes', async () => {
    const t = await tenant();
    const endpointId = await webhookEndpoint(t.token);
    const res = await gw.post(
      '/notify/v1/deliveries/batch',
      { channel: 'webhook', body: 'one of a thousand', recipients: Array.from({ length: 1000 }, () => ({ to: { endpointId } })) },
      { token: t.token, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(res.status).toBe(202);
    const ids = (res.body.data.deliveries as Array<{ id: string }>).map((d) => d.id);
    expect(new Set(ids).size).toBe(1000);
    await eventually(
      async () => {
        const { rows } = await notifySql.query<{ n: string }>(
          `SELECT count(*) AS n FROM deliveries WHERE id = ANY($1) AND status = 'sent'`,
          [ids],
        );
        return rows[0]!.n === '1000';
      },
      120_000,
      '1,000 deliveries sent',
    );
    expect(ids.map((id) => receiver.seen.get(id))).toEqual(ids.map(() => 1));
    const { rows } = await notifySql.query<{ n: string; again: string }>(
      'SELECT count(*) AS n, count(*) FILTER (WHERE attempt > 1) AS again FROM delivery_attempts WHERE delivery_id = ANY($1)',
      [ids],
    );
    expect(rows[0]).toEqual({ n: '1000', again: '0' });
    // Both worker processes took part.
    const { rows: beats } = await notifySql.query<{ n: string }>('SELECT count(*) AS n FROM worker_heartbeats');
    expect(Number(beats[0]!.n)).toBe(2);
  }, 180_000);

  it('a rate limit of 100 per minute holds at 100 across both instances, not 200', async () => {
    const t = await tenant('free');
    const statuses = await pool(
      Array.from({ length: 160 }, (_, i) => i),
      8,
      (i) => notify[i % 2]!.http.get('/notify/v1/deliveries?limit=1', { token: t.token }).then((r) => r.status),
    );
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Leased blocks can make the shared limit bite slightly early (an instance's unused block
    // counts as used once its lease lapses, at most a tenth of what was left), never late.
    expect(ok).toBeLessThanOrEqual(100);
    expect(ok).toBeGreaterThanOrEqual(90);
  });

  it('a quota override set on one instance holds on the other at once: 100 deliveries a day, counted once', async () => {
    const t = await tenant();
    const send = (n: number) =>
      notify[n]!.http.post('/notify/v1/deliveries', { channel: 'in_app', to: { userId: t.userId }, body: 'q' }, { token: t.token });
    // Instance 1 has read the plan's quota (and cached it) before the override exists.
    expect((await send(1)).status).toBe(202);
    expect((await notify[0]!.http.put(`/notify/v1/admin/quotas/${t.tenantId}`, { dailyLimit: 100 }, { token: t.token })).status).toBe(200);
    const statuses = await pool(
      Array.from({ length: 150 }, (_, i) => i),
      8,
      (i) => send(i % 2).then((r) => r.status),
    );
    const accepted = 1 + statuses.filter((s) => s === 202).length;
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    expect(accepted).toBeLessThanOrEqual(100);
    expect(accepted).toBeGreaterThanOrEqual(90);
    for (const n of notify) {
      const q = await n.http.get(`/notify/v1/admin/quotas/${t.tenantId}`, { token: t.token });
      expect(q.body.data).toMatchObject({ dailyLimit: 100, source: 'override' });
    }
  });

  it('SIGKILL of one instance of each service mid-load: nothing accepted is lost or doubled, Idempotency-Key retries get the first answer', async () => {
    const t = await tenant();
    const endpointId = await webhookEndpoint(t.token);
    const marker = randomUUID();
    // Each request is sent by two clients at once with one key (as a retrying app would), and each
    // client retries until it has an answer: the gateway fails keyed requests over on its own, so
    // what a client may see besides 202 is only 409 (the other copy is still running).
    type Job = { key: string; batch: number };
    const jobs: Job[] = Array.from({ length: 60 }, (_, i) => ({ key: `${marker}-${i}`, batch: i % 4 === 0 ? 5 : 0 }));
    const seenStatuses = new Map<number, number>();
    const answers = new Map<string, string[][]>();
    const send = async (job: Job): Promise<void> => {
      const body = job.batch
        ? { channel: 'webhook', body: `${job.key}`, recipients: Array.from({ length: job.batch }, () => ({ to: { endpointId } })) }
        : { channel: 'webhook', body: `${job.key}`, to: { endpointId } };
      const path = job.batch ? '/notify/v1/deliveries/batch' : '/notify/v1/deliveries';
      for (let attempt = 0; ; attempt++) {
        const r = await gw.post(path, body, { token: t.token, headers: { 'idempotency-key': job.key } });
        seenStatuses.set(r.status, (seenStatuses.get(r.status) ?? 0) + 1);
        if (r.status === 202) {
          const ids = job.batch ? (r.body.data.deliveries as Array<{ id: string }>).map((d) => d.id) : [r.body.data.id as string];
          answers.set(job.key, [...(answers.get(job.key) ?? []), ids]);
          return;
        }
        if (r.status !== 409 || attempt > 200) {
          const logs = notify.map((n) =>
            n
              .output()
              .split('\n')
              .filter((l) => l.includes('"error"'))
              .slice(-3)
              .join('\n'),
          );
          throw new Error(`${path} answered ${r.status}: ${r.text}\n${logs.join('\n')}`);
        }
        await sleep(50);
      }
    };
    // Meanwhile, reads on auth-svc through the gateway (idempotent: failed over too).
    let reading = true;
    const reads: number[] = [];
    const reader = (async () => {
      while (reading)
        reads.push(
          await gw.get('/auth/v1/me', { token: t.token }).then(
            (r) => r.status,
            () => 0,
          ),
        );
    })();
    let killed = false;
    const load = pool(jobs, 6, async (job, i) => {
      if (i === 20 && !killed) {
        killed = true;
        await Promise.all([auth[1]!.kill('SIGKILL'), notify[1]!.kill('SIGKILL')]);
      }
      await Promise.all([send(job), send(job)]);
    });
    try {
      await load;
    } finally {
      reading = false;
      await reader;
    }
    expect(killed).toBe(true);
    // No 500, no 502: keyed writes and reads alike were failed over by the gateway.
    const unexpected = [...seenStatuses.keys()].filter((s) => s !== 202 && s !== 409);
    const badReads = reads.filter((s) => s !== 200);
    const failed = unexpected.length > 0 || badReads.length > 0;
    expect({ unexpected, badReads, gatewayLog: failed ? gatewayLog.slice(-5) : [] }).toEqual({
      unexpected: [],
      badReads: [],
      gatewayLog: [],
    });
    expect(reads.length).toBeGreaterThan(0);
    // Both clients of a key got the same answer: the first one.
    for (const job of jobs) {
      const got = answers.get(job.key)!;
      expect(got).toHaveLength(2);
      expect(got[1]).toEqual(got[0]);
    }
    const accepted = jobs.flatMap((j) => answers.get(j.key)![0]!);
    const expected = jobs.reduce((n, j) => n + (j.batch || 1), 0);
    expect(new Set(accepted).size).toBe(expected);
    // The tenant exists for this case only: every delivery it has is one of the accepted ones.
    const { rows } = await notifySql.query<{ id: string }>('SELECT id FROM deliveries WHERE tenant_id = $1', [t.tenantId]);
    expect(rows.map((r) => r.id).sort()).toEqual([...accepted].sort());
    // And the surviving workers send each exactly once.
    await eventually(() => Promise.resolve(accepted.every((id) => receiver.seen.get(id) === 1)), 60_000, 'every accepted delivery sent');
    await sleep(500);
    expect(accepted.filter((id) => receiver.seen.get(id) !== 1)).toEqual([]);
  }, 180_000);
});
