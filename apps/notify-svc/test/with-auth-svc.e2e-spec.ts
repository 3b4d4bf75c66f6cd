import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, startTestApp, type TestApp, type TestDatabase } from '#testing';
import {
  addMember,
  INTERNAL_KEY,
  login,
  signup,
  startAuth,
  type AuthTestEnv,
  type SignedUp,
} from '../../auth-svc/test/support/auth-test-kit.js';
import { AppModule } from '../src/app.module.js';
import { loadNotifyConfig } from '../src/config/notify-config.js';

/** The real pair: tokens, API keys and personal tokens issued by a booted auth-svc, accepted by notify-svc. */
describe('notify-svc with a real auth-svc', () => {
  let auth: AuthTestEnv;
  let db: TestDatabase;
  let notify: TestApp;
  let owner: SignedUp;
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    auth = await startAuth();
    db = await createTestDatabase('notify_auth');
    notify = await startTestApp(
      AppModule.forRoot(
        loadNotifyConfig({
          NOTIFY_DATABASE_URL: db.url,
          AUTH_JWKS_URL: `${auth.t.baseUrl}/.well-known/jwks.json`,
          AUTH_INTROSPECTION_URL: `${auth.t.baseUrl}/auth/v1/introspect`,
          AUTH_REVOCATIONS_URL: `${auth.t.baseUrl}/auth/v1/revocations`,
          AUTH_ISSUER: auth.config.AUTH_ISSUER,
          AUTH_AUDIENCE: auth.config.AUTH_AUDIENCE,
          INTERNAL_API_KEYS: INTERNAL_KEY,
          INTROSPECTION_CACHE_TTL: '1',
          INTROSPECTION_NEGATIVE_CACHE_TTL: '1',
        }),
      ),
    );
    owner = await signup(auth.http);
  });
  afterAll(async () => {
    await notify?.close();
    await db?.drop();
    await auth?.close();
  });

  it('accepts an access token from sign-up and refuses the refresh token', async () => {
    const me = await notify.http.get('/notify/v1/me', { token: owner.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ userId: owner.userId, tenantId: owner.tenantId, credential: 'access_token' });
    expect(me.body.data.roles).toEqual(expect.arrayContaining(['user', 'organizer', 'admin']));
    const sent = await notify.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'a@example.com' }, subject: 's', body: 'b' },
      { token: owner.accessToken },
    );
    expect(sent.status).toBe(202);
    const refresh = await notify.http.get('/notify/v1/me', { token: owner.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('accepts an API key through introspection, and stops within the cache TTL once revoked', async () => {
    const created = await auth.http.post(
      '/auth/v1/api-keys',
      { name: 'script', scopes: ['notifications:send', 'notifications:read'] },
      { token: owner.accessToken },
    );
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    const send = () =>
      notify.http.post(
        '/notify/v1/deliveries',
        { channel: 'sms', to: { phone: '+14155501111' }, body: 'hi' },
        { headers: { 'x-api-key': key } },
      );
    const ok = await send();
    expect(ok.status).toBe(202);
    expect(ok.body.meta.tenant_id).toBe(owner.tenantId);
    expect((await auth.http.delete(`/auth/v1/api-keys/${created.body.data.id}`, { token: owner.accessToken })).status).toBeLessThan(300);
    await wait(1100);
    const revoked = await send();
    expect(revoked.status).toBe(401);
  });

  it('accepts a personal access token as its user', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const created = await auth.http.post('/auth/v1/tokens', { name: 'cli', expiresAt, roles: ['user'] }, { token: owner.accessToken });
    expect(created.status).toBe(201);
    const pat = created.body.data.token as string;
    const me = await notify.http.get('/notify/v1/me', { token: pat });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ userId: owner.userId, tenantId: owner.tenantId, credential: 'personal_token', roles: ['user'] });
    // Its roles are what it was given: a user-only token cannot send.
    expect(
      (await notify.http.post('/notify/v1/deliveries', { channel: 'in_app', to: { userId: owner.userId }, body: 'x' }, { token: pat }))
        .status,
    ).toBe(403);
  });

  it('runs jobs with the shared internal key, never with a user token', async () => {
    expect((await notify.http.post('/notify/v1/jobs/purge', {}, { headers: { 'x-internal-api-key': INTERNAL_KEY } })).status).toBe(200);
    expect((await notify.http.post('/notify/v1/jobs/purge', {}, { token: owner.accessToken })).status).toBe(401);
  });
  /** Milliseconds until `refused()` holds, polling every 200 ms; fails the test after `limitMs`. */
  async function msUntil(refused: () => Promise<boolean>, limitMs: number): Promise<number> {
    const start = Date.now();
    for (;;) {
      if (await refused()) return Date.now() - start;
      if (Date.now() - start > limitMs) throw new Error(`still accepted after ${limitMs} ms`);
      await wait(200);
    }
  }
  const status = async (p: Promise<{ status: number }>) => (await p).status;

  // Defect 1: auth-svc must refuse within a few seconds (its own 1 s poll), notify-svc within 30 s (5 s feed poll).
  it('refuses a deactivated admin: within seconds on auth-svc (no self re-activation, no new key), within 30 s on notify-svc', async () => {
    const b = await addMember(auth.http, owner.accessToken, ['user', 'organizer', 'admin']);
    expect(await status(notify.http.get('/notify/v1/me', { token: b.accessToken }))).toBe(200);
    expect(await status(auth.http.get('/auth/v1/me', { token: b.accessToken }))).toBe(200);

    expect(await status(auth.http.patch(`/auth/v1/users/${b.id}`, { isActive: false }, { token: owner.accessToken }))).toBe(200);
    const onAuth = await msUntil(async () => (await status(auth.http.get('/auth/v1/me', { token: b.accessToken }))) === 401, 5_000);
    expect(onAuth).toBeLessThan(5_000);
    const reactivate = await auth.http.patch(`/auth/v1/users/${b.id}`, { isActive: true }, { token: b.accessToken });
    expect(reactivate.status).toBe(401);
    const mint = await auth.http.post('/auth/v1/api-keys', { name: 'escape', scopes: ['admin'] }, { token: b.accessToken });
    expect(mint.status).toBe(401);
    const users = await auth.http.get('/auth/v1/users?limit=100', { token: owner.accessToken });
    expect(users.body.data.find((u: { id: string }) => u.id === b.id)).toMatchObject({ isActive: false });

    const onNotify = await msUntil(async () => (await status(notify.http.get('/notify/v1/me', { token: b.accessToken }))) === 401, 30_000);
    expect(onNotify).toBeLessThan(30_000);
    // The owner, whose sessions stand, is not affected.
    expect(await status(notify.http.get('/notify/v1/me', { token: owner.accessToken }))).toBe(200);
  }, 45_000);

  // Defect 2: POST /auth/v1/revoke of an access token ends its session, and every service refuses the token.
  it('refuses an access token revoked through /revoke within seconds on auth-svc and within 30 s on notify-svc', async () => {
    const session = await login(auth.http, owner.email, owner.password);
    const doomed = session.body.data.accessToken as string;
    expect(await status(notify.http.get('/notify/v1/me', { token: doomed }))).toBe(200);
    const revoked = await auth.http.post('/auth/v1/revoke', { token: doomed }, { token: owner.accessToken });
    expect(revoked.status).toBe(200);

    const onAuth = await msUntil(async () => (await status(auth.http.get('/auth/v1/me', { token: doomed }))) === 401, 5_000);
    expect(onAuth).toBeLessThan(5_000);
    const onNotify = await msUntil(async () => (await status(notify.http.get('/notify/v1/me', { token: doomed }))) === 401, 30_000);
    expect(onNotify).toBeLessThan(30_000);
    // Its refresh token went with the session; the caller's own token still works.
    expect(await status(auth.http.post('/auth/v1/refresh', { refreshToken: session.body.data.refreshToken }))).toBe(401);
    expect(await status(notify.http.get('/notify/v1/me', { token: owner.accessToken }))).toBe(200);
  }, 45_000);
});
