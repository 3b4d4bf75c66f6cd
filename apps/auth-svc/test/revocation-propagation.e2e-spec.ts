import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, HttpClient, startTestApp, type TestApp, type TestDatabase } from '#testing';
import { buildGateway } from '../../gateway/src/gateway.js';
import { AppModule as NotifyModule } from '../../notify-svc/src/app.module.js';
import { loadNotifyConfig } from '../../notify-svc/src/config/notify-config.js';
import { RevocationEvents } from '../src/revocations/revocation-events.js';
import { addMember, INTERNAL_KEY, login, signup, sleep, startAuth, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';

/**
 * Issue 19: two auth-svc instances on one PostgreSQL. A deactivation, session end, logout, password
 * change or role removal made on instance A is refused on A at once (its very next request) and on
 * B within 1 s (B learns it by LISTEN/NOTIFY), directly and through the gateway (which fronts B).
 * notify-svc (polling B's revocation feed every second) honours a demotion within its bound too.
 */
const BOUND_MS = 1000;
let db: TestDatabase;
let a: AuthTestEnv;
let b: AuthTestEnv;
let notifyDb: TestDatabase;
let notify: TestApp;
let gateway: FastifyInstance;
let viaGateway: HttpClient;
let owner: SignedUp;

beforeAll(async () => {
  db = await createTestDatabase('revprop');
  a = await startAuth({}, db);
  b = await startAuth({}, db);
  await Promise.all([a.t.app.get(RevocationEvents).ready(), b.t.app.get(RevocationEvents).ready()]);
  notifyDb = await createTestDatabase('revprop_notify');
  notify = await startTestApp(
    NotifyModule.forRoot(
      loadNotifyConfig({
        NOTIFY_DATABASE_URL: notifyDb.url,
        AUTH_JWKS_URL: `${b.t.baseUrl}/.well-known/jwks.json`,
        AUTH_INTROSPECTION_URL: `${b.t.baseUrl}/auth/v1/introspect`,
        AUTH_REVOCATIONS_URL: `${b.t.baseUrl}/auth/v1/revocations`,
        AUTH_REVOCATION_POLL: '1s',
        AUTH_ISSUER: b.config.AUTH_ISSUER,
        AUTH_AUDIENCE: b.config.AUTH_AUDIENCE,
        INTERNAL_API_KEYS: INTERNAL_KEY,
      }),
    ),
  );
  gateway = await buildGateway({ AUTH_UPSTREAM_URL: b.t.baseUrl, NOTIFY_UPSTREAM_URL: notify.baseUrl });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  viaGateway = new HttpClient(`http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`);
  owner = await signup(a.http);
});

afterAll(async () => {
  await gateway?.close();
  await notify?.close();
  await notifyDb?.drop();
  await b?.close();
  await a?.close();
  await db?.drop();
});

/** Polls `probe` until it answers `status`; the time it took (ms), or Infinity after `limitMs`. */
async function until(status: number, probe: () => Promise<{ status: number }>, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await probe();
    const elapsed = Date.now() - started;
    if (res.status === status) return elapsed;
    if (elapsed > limitMs) return Infinity;
    await sleep(20);
  }
}

const me = (http: HttpClient, token: string) => () => http.get('/auth/v1/me', { token });

/** The token works on A, on B and through the gateway (so B has it verified and cached) before the change. */
async function expectWorksEverywhere(token: string): Promise<void> {
  for (const http of [a.http, b.http, viaGateway]) expect((await me(http, token)()).status).toBe(200);
}

/** Right after `change` (made on A) answers: refused on A at once, on B and through the gateway within the bound. */
async function expectRefusedEverywhere(token: string): Promise<void> {
  expect((await me(a.http, token)()).status).toBe(401);
  const [onB, viaGw] = await Promise.all([until(401, me(b.http, token), 5000), until(401, me(viaGateway, token), 5000)]);
  expect(onB).toBeLessThan(BOUND_MS);
  expect(viaGw).toBeLessThan(BOUND_MS);
  // And it stays refused (no flapping when the poll or the NOTIFY echo arrives).
  await sleep(200);
  for (const http of [a.http, b.http, viaGateway]) expect((await me(http, token)()).status).toBe(401);
}

describe('a revocation made on one auth-svc instance', () => {
  it('deactivation: the user’s access token is refused on A at once and on B within 1 s', async () => {
    const member = await addMember(a.http, owner.accessToken);
    await expectWorksEverywhere(member.accessToken);
    const off = await a.http.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: owner.accessToken });
    expect(off.status).toBe(200);
    await expectRefusedEverywhere(member.accessToken);
  });

  it('ending a session (DELETE /sessions/:id): that session’s token is refused on A at once and on B within 1 s', async () => {
    const member = await addMember(a.http, owner.accessToken);
    const other = (await login(a.http, member.email, member.password)).body.data;
    await expectWorksEverywhere(other.accessToken);
    const sid = JSON.parse(Buffer.from(other.accessToken.split('.')[1], 'base64url').toString()).sid;
    expect((await a.http.delete(`/auth/v1/sessions/${sid}`, { token: member.accessToken })).status).toBe(204);
    await expectRefusedEverywhere(other.accessToken);
    expect((await me(a.http, member.accessToken)()).status).toBe(200);
  });

  it('RFC 7009 revocation of a refresh token: its session’s access token is refused on A at once and on B within 1 s', async () => {
    const member = await addMember(a.http, owner.accessToken);
    await expectWorksEverywhere(member.accessToken);
    const res = await a.http.post('/auth/v1/revoke', { token: member.refreshToken }, { token: owner.accessToken });
    expect(res.status).toBe(200);
    await expectRefusedEverywhere(member.accessToken);
  });

  it('logout: the session’s access token is refused on A at once and on B within 1 s', async () => {
    const member = await addMember(a.http, owner.accessToken);
    await expectWorksEverywhere(member.accessToken);
    expect((await a.http.post('/auth/v1/logout', { refreshToken: member.refreshToken })).status).toBeLessThan(300);
    await expectRefusedEverywhere(member.accessToken);
  });

  it('password change: every other session’s token is refused on A at once and on B within 1 s; the caller’s stays', async () => {
    const member = await addMember(a.http, owner.accessToken);
    const other = (await login(a.http, member.email, member.password)).body.data;
    await expectWorksEverywhere(other.accessToken);
    const res = await a.http.post(
      '/auth/v1/me/password',
      { currentPassword: member.password, newPassword: 'a brand new password 2' },
      { token: member.accessToken },
    );
    expect(res.status).toBe(200);
    expect(res.body.data.sessionsEnded).toBe(1);
    await expectRefusedEverywhere(other.accessToken);
    expect((await me(b.http, member.accessToken)()).status).toBe(200);
  });

  it('role removal: a demoted admin loses admin rights on A at once, on B within 1 s, and on notify-svc within its poll', async () => {
    const admin = await addMember(a.http, owner.accessToken, ['user', 'admin']);
    const adminRoute = (http: HttpClient) => () => http.get('/auth/v1/users', { token: admin.accessToken });
    const notifyAdminRoute = () => notify.http.get('/notify/v1/admin/providers', { token: admin.accessToken });
    for (const http of [a.http, b.http, viaGateway]) expect((await adminRoute(http)()).status).toBe(200);
    expect((await notifyAdminRoute()).status).toBe(200);

    const demoted = await a.http.patch(`/auth/v1/users/${admin.id}`, { roles: ['user'] }, { token: owner.accessToken });
    expect(demoted.status).toBe(200);
    expect((await adminRoute(a.http)()).status).toBe(403);
    const [onB, viaGw, onNotify] = await Promise.all([
      until(403, adminRoute(b.http), 5000),
      until(403, adminRoute(viaGateway), 5000),
      until(403, notifyAdminRoute, 5000),
    ]);
    expect(onB).toBeLessThan(BOUND_MS);
    expect(viaGw).toBeLessThan(BOUND_MS);
    // notify-svc learns it from the feed it polls every second (plus one request's latency).
    expect(onNotify).toBeLessThan(2 * BOUND_MS + 500);
    // Still a user: the token keeps working for what its remaining roles allow.
    for (const http of [a.http, b.http, viaGateway]) expect((await me(http, admin.accessToken)()).status).toBe(200);
    // A token issued after the change carries the new roles and is not refused either.
    const fresh = (await login(b.http, admin.email, admin.password)).body.data;
    expect(fresh.user.roles).toEqual(['user']);
    expect((await me(b.http, fresh.accessToken)()).status).toBe(200);
  });

  it('B keeps up after losing its LISTEN connection: it reconnects, re-reads the feed and applies later events at once', async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const killed = await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'auth-svc-revocations:listen'`,
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(2); // A's and B's
    } finally {
      await client.end();
    }
    await sleep(300); // the lost connections are noticed, then re-opened with backoff
    await Promise.all([a.t.app.get(RevocationEvents).ready(), b.t.app.get(RevocationEvents).ready()]);
    const member = await addMember(a.http, owner.accessToken);
    await expectWorksEverywhere(member.accessToken);
    expect((await a.http.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: owner.accessToken })).status).toBe(200);
    await expectRefusedEverywhere(member.accessToken);
  });
});
