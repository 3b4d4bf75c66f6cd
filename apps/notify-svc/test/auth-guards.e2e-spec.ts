import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { TestSigningKey } from '#testing';
import { AUDIENCE, INTERNAL_KEY, ISSUER, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

describe('notify-svc guards: tokens, API keys, personal tokens, roles, internal key', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start();
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('GET /notify/v1/me answers the caller from the token alone', async () => {
    const res = await env.http.get('/notify/v1/me', { token: a.organizer });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      userId: a.organizerId,
      tenantId: a.tenantId,
      roles: ['user', 'organizer'],
      credential: 'access_token',
    });
    expect(res.body.meta.tenant_id).toBe(a.tenantId);
  });

  const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
  const bad: Array<[string, () => { token?: string; headers?: Record<string, string> }, string]> = [
    ['no token', () => ({}), 'UNAUTHORIZED'],
    ['garbage', () => ({ token: 'not.a.jwt' }), 'UNAUTHORIZED'],
    ['an expired token', () => ({ token: env.key.accessToken({ tenantId: a.tenantId, expiresIn: -120 }) }), 'TOKEN_EXPIRED'],
    ['a wrong issuer', () => ({ token: env.key.accessToken({ tenantId: a.tenantId, iss: 'http://evil' }) }), 'UNAUTHORIZED'],
    ['a wrong audience', () => ({ token: env.key.accessToken({ tenantId: a.tenantId, aud: 'someone-else' }) }), 'UNAUTHORIZED'],
    [
      'alg none',
      () => ({ token: `${header({ alg: 'none', typ: 'at+jwt', kid: env.key.kid })}.${a.admin.split('.')[1]}.` }),
      'UNAUTHORIZED',
    ],
    [
      'HS256 signed with the public key',
      () => {
        const input = `${header({ alg: 'HS256', typ: 'at+jwt', kid: env.key.kid })}.${a.admin.split('.')[1]}`;
        const pem = env.key.publicKey.export({ type: 'spki', format: 'pem' });
        return { token: `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}` };
      },
      'UNAUTHORIZED',
    ],
    [
      'a refresh token',
      () => ({ token: env.key.accessToken({ tenantId: a.tenantId, typ: 'refresh+jwt', extra: { sid: randomUUID() } }) }),
      'UNAUTHORIZED',
    ],
    [
      'a token signed by an unknown key',
      () => ({ token: new TestSigningKey(ISSUER, AUDIENCE).accessToken({ tenantId: a.tenantId }) }),
      'UNAUTHORIZED',
    ],
    ['an unknown API key', () => ({ headers: { 'x-api-key': 'nk_unknown_secret' } }), 'UNAUTHORIZED'],
    ['an unknown personal token', () => ({ token: 'pat_unknown_secret' }), 'UNAUTHORIZED'],
    ['the internal key', () => ({ headers: { 'x-internal-api-key': INTERNAL_KEY } }), 'UNAUTHORIZED'],
  ];

  it.each(bad)('refuses %s with 401 on /me and /deliveries', async (_n, make, code) => {
    for (const path of ['/notify/v1/me', '/notify/v1/deliveries']) {
      const res = await env.http.get(path, make());
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ data: null, error: { code } });
    }
  });

  it('ignores a client-sent x-tenant-id', async () => {
    const res = await env.http.get('/notify/v1/me', { token: a.user, headers: { 'x-tenant-id': randomUUID() } });
    expect(res.body.data.tenantId).toBe(a.tenantId);
  });

  describe('roles', () => {
    const send = { channel: 'email', to: { email: 'x@example.com' }, subject: 'Hi', body: 'Hello' };

    it('a user cannot send (403), an organizer and an admin can', async () => {
      const user = await env.http.post('/notify/v1/deliveries', send, { token: a.user });
      expect(user.status).toBe(403);
      expect(user.body.error.code).toBe('FORBIDDEN');
      expect((await env.http.post('/notify/v1/deliveries', send, { token: a.organizer })).status).toBe(202);
      expect((await env.http.post('/notify/v1/deliveries', send, { token: a.admin })).status).toBe(202);
    });

    it('only an admin cancels', async () => {
      const d = await env.http.post('/notify/v1/deliveries', send, { token: a.organizer });
      const byOrganizer = await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.organizer });
      expect(byOrganizer.status).toBe(403);
      const byUser = await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.user });
      expect(byUser.status).toBe(403);
      const byAdmin = await env.http.post(`/notify/v1/deliveries/${d.body.data.id}/cancel`, {}, { token: a.admin });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.data.status).toBe('cancelled');
    });

    it('users cannot manage templates or quotas', async () => {
      expect((await env.http.get('/notify/v1/templates', { token: a.user })).status).toBe(403);
      expect((await env.http.get(`/notify/v1/admin/quotas/${a.tenantId}`, { token: a.organizer })).status).toBe(403);
      expect((await env.http.get('/notify/v1/admin/providers', { token: a.user })).status).toBe(403);
      expect((await env.http.get('/notify/v1/admin/providers', { token: a.admin })).status).toBe(200);
    });
  });

  describe('API keys and personal tokens (through introspection)', () => {
    it('an API key with notifications:send sends; one without it cannot', async () => {
      const sender = a.apiKey(['notifications:send']);
      const reader = a.apiKey(['notifications:read']);
      const body = { channel: 'sms', to: { phone: '+14155534567' }, body: 'code 1234' };
      const ok = await env.http.post('/notify/v1/deliveries', body, { headers: { 'x-api-key': sender } });
      expect(ok.status).toBe(202);
      expect(ok.body.data.createdBy).toMatch(/^api_key:/);
      expect((await env.http.post('/notify/v1/deliveries', body, { headers: { 'x-api-key': reader } })).status).toBe(403);
      const list = await env.http.get('/notify/v1/deliveries', { headers: { 'x-api-key': reader } });
      expect(list.status).toBe(200);
      expect(list.body.data.length).toBeGreaterThan(0);
      // API keys act for no user: user-only routes are closed.
      expect((await env.http.get('/notify/v1/preferences', { headers: { 'x-api-key': sender } })).status).toBe(403);
    });

    it('a personal token acts as its user with their roles', async () => {
      const pat = a.pat(a.organizerId, ['user', 'organizer']);
      const me = await env.http.get('/notify/v1/me', { token: pat });
      expect(me.body.data).toMatchObject({ userId: a.organizerId, tenantId: a.tenantId, credential: 'personal_token' });
      const userPat = a.pat(a.userId, ['user']);
      const res = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'in_app', to: { userId: a.userId }, body: 'hi' },
        { token: userPat },
      );
      expect(res.status).toBe(403);
    });

    it('a revoked API key stops working once the short cache expires', async () => {
      const k = a.apiKey(['notifications:read']);
      expect((await env.http.get('/notify/v1/me', { headers: { 'x-api-key': k } })).status).toBe(200);
      env.introspection.revoke(k);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await env.http.get('/notify/v1/me', { headers: { 'x-api-key': k } })).status).toBe(401);
    });
  });

  describe('internal key (jobs and /metrics)', () => {
    const routes: Array<[string, string]> = [
      ['POST', '/notify/v1/jobs/dispatch-scheduled'],
      ['POST', '/notify/v1/jobs/retry-failed'],
      ['POST', '/notify/v1/jobs/purge'],
      ['GET', '/metrics'],
    ];

    it.each(routes)('%s %s: missing, wrong key and a JWT are refused; the right key opens it', async (method, path) => {
      const refusals = [
        {},
        { headers: { 'x-internal-api-key': 'wrong' } },
        { token: a.admin },
        { headers: { 'x-internal-api-key': a.admin } },
      ];
      for (const r of refusals) {
        const res = await env.http.request(method, path, r);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
      const ok = await env.http.request(method, path, { headers: { 'x-internal-api-key': INTERNAL_KEY } });
      expect(ok.status).toBe(200);
    });

    it('serves Prometheus text on /metrics', async () => {
      const res = await env.http.get('/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } });
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(res.text).toContain('notify_deliveries_accepted_total');
      expect(res.text).toContain('process_cpu_user_seconds_total');
    });

    it('documents every route with the three security schemes', async () => {
      const doc = await env.http.get('/docs-json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.components.securitySchemes).sort()).toEqual(['api-key', 'bearer', 'internal-key']);
      for (const path of [
        '/notify/v1/deliveries',
        '/notify/v1/deliveries/batch',
        '/notify/v1/templates/{id}/preview',
        '/notify/v1/jobs/purge',
        '/notify/v1/me',
      ]) {
        expect(Object.keys(doc.body.paths)).toContain(path);
      }
    });

    it('health stays public', async () => {
      expect((await env.http.get('/health')).status).toBe(200);
      const ready = await env.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.data.checks).toEqual({ database: 'ok', migrations: 'ok', queue: 'ok' });
    });
  });
});
