import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient } from '#testing';
import { INTERNAL_KEY, signup, uniqueEmail, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from './support/platform-stack.js';
import { rawRequest } from './support/raw-http.js';

/**
 * Every bad input of issue 9, sent to each service directly and through the gateway: a 4xx in the
 * envelope with a stable code, nothing echoed, nothing stored.
 */
let stack: PlatformStack;
let owner: SignedUp;
const CORS_ORIGIN = 'https://app.example.com';

beforeAll(async () => {
  stack = await startPlatformStack({ corsOrigins: [CORS_ORIGIN] });
  owner = await signup(stack.direct.auth);
});
afterAll(async () => {
  await stack?.close();
});

const json = { 'content-type': 'application/json' };
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const nestedObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

function expectEnvelope(res: { status: number; json?: any; body?: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = res.json ?? res.body;
  expect(body).toMatchObject({ data: null, error: { code } });
  expect(typeof body.meta.request_id).toBe('string');
}

describe.each([
  ['directly', () => ({ auth: stack.auth.t.baseUrl, notify: stack.notify.baseUrl })],
  ['through the gateway', () => ({ auth: stack.gatewayUrl, notify: stack.gatewayUrl })],
])('bad input %s', (_where, target) => {
  let auth: HttpClient;
  let notify: HttpClient;
  let urls: { auth: string; notify: string };
  beforeAll(() => {
    urls = target();
    auth = new HttpClient(urls.auth);
    notify = new HttpClient(urls.notify);
  });

  it.each([
    ['unknown field', { email: 'a@example.com', password: 'long enough pw', isAdmin: true }, 'VALIDATION_FAILED'],
    ['wrong type', { email: 'a@example.com', password: 12345678 }, 'VALIDATION_FAILED'],
  ])('signup with %s → 400', async (_case, body, code) => {
    expectEnvelope(await auth.post('/auth/v1/signup', body), 400, code);
  });

  it('malformed and empty JSON → 400; XML → 415', async () => {
    expectEnvelope(await auth.request('POST', '/auth/v1/login', { raw: '{"a":', headers: json }), 400, 'BAD_REQUEST');
    expectEnvelope(await auth.request('POST', '/auth/v1/login', { raw: '', headers: json }), 400, 'BAD_REQUEST');
    const xml = await auth.request('POST', '/auth/v1/signup', { raw: '<signup/>', headers: { 'content-type': 'application/xml' } });
    expectEnvelope(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('deeply nested JSON → 400 quickly on both services, the unauthenticated refresh included (defect 4)', async () => {
    const started = Date.now();
    for (const raw of [nested(2000), nestedObjects(3000), nested(400_000)]) {
      expectEnvelope(await auth.request('POST', '/auth/v1/refresh', { raw, headers: json }), 400, 'BAD_REQUEST');
      const sent = await notify.request('POST', '/notify/v1/deliveries', { raw, headers: json, token: owner.accessToken });
      expectEnvelope(sent, 400, 'BAD_REQUEST');
    }
    expect(Date.now() - started).toBeLessThan(5000);
    // 32 levels are fine: the body reaches validation.
    const ok = await auth.request('POST', '/auth/v1/refresh', { raw: `{"refreshToken":${nested(31)}}`, headers: json });
    expectEnvelope(ok, 400, 'VALIDATION_FAILED');
  });

  it('a NUL character in any string → 400 VALIDATION_FAILED naming the field (defect 5)', async () => {
    const login = await auth.post('/auth/v1/login', { email: 'a\u0000@example.com', password: 'long enough pw' });
    expectEnvelope(login, 400, 'VALIDATION_FAILED');
    expect(login.body.error.details[0].field).toBe('email');
    const cases: Array<[string, string, unknown]> = [
      ['PATCH', '/auth/v1/me', { name: 'Ada\u0000' }],
      ['POST', '/auth/v1/users', { email: uniqueEmail(), password: 'long enough pw', name: 'x\u0000y' }],
      ['POST', '/auth/v1/api-keys', { name: 'k\u0000', scopes: ['notifications:send'] }],
      ['POST', '/auth/v1/tokens', { name: 't\u0000', roles: ['user'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() }],
    ];
    for (const [method, path, body] of cases) {
      expectEnvelope(await auth.request(method, path, { body, token: owner.accessToken }), 400, 'VALIDATION_FAILED');
    }
    const send = await notify.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'a@example.com' }, subject: 's', body: 'b\u0000' },
      { token: owner.accessToken },
    );
    expectEnvelope(send, 400, 'VALIDATION_FAILED');
    expectEnvelope(await auth.get('/auth/v1/users?cursor=a%00b', { token: owner.accessToken }), 400, 'VALIDATION_FAILED');
    const me = await auth.get('/auth/v1/me', { token: owner.accessToken });
    expect(me.body.data.name).not.toContain('\u0000');
  });

  it('forms only where RFC 7662/7009 say so: login and PATCH /me → 415 (defect 6)', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expectEnvelope(
      await auth.request('POST', '/auth/v1/login', { raw: `email=${owner.email}&password=x`, headers: form }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const patch = await auth.request('PATCH', '/auth/v1/me', { raw: 'name=Formed', headers: form, token: owner.accessToken });
    expectEnvelope(patch, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const text = await auth.request('POST', '/auth/v1/login', { raw: 'hello', headers: { 'content-type': 'text/plain' } });
    expectEnvelope(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const introspect = await auth.request('POST', '/auth/v1/introspect', {
      raw: `token=${owner.accessToken}`,
      headers: { ...form, 'x-internal-api-key': INTERNAL_KEY },
    });
    expect(introspect.status).toBe(200);
    expect(introspect.body.active).toBe(true);
    expect((await auth.get('/auth/v1/me', { token: owner.accessToken })).body.data.name).not.toBe('Formed');
  });

  it('invalid UTF-8 in a JSON body → 400, nothing stored with U+FFFD (defect 7)', async () => {
    const raw = Buffer.concat([Buffer.from('{"name":"Ad'), Buffer.from([0xff, 0xfe]), Buffer.from('a"}')]);
    const res = await auth.request('PATCH', '/auth/v1/me', { raw, headers: json, token: owner.accessToken });
    expectEnvelope(res, 400, 'BAD_REQUEST');
    expect((await auth.get('/auth/v1/me', { token: owner.accessToken })).body.data.name ?? '').not.toContain('\ufffd');
    const sent = await notify.request('POST', '/notify/v1/deliveries', { raw, headers: json, token: owner.accessToken });
    expectEnvelope(sent, 400, 'BAD_REQUEST');
  });

  it('URL errors in the envelope, nothing echoed (defect 10)', async () => {
    const long = 'a'.repeat(600);
    const tooLong = await auth.request('PATCH', `/auth/v1/users/${long}`, { body: {}, token: owner.accessToken });
    expectEnvelope(tooLong, 414, 'URI_TOO_LONG');
    expect(tooLong.text).not.toContain(long);
    const pct = await auth.get('/auth/v1/users/%zz', { token: owner.accessToken });
    expectEnvelope(pct, 400, 'BAD_REQUEST');
    expect(pct.text).not.toContain('%zz');
    expectEnvelope(await notify.get('/notify/v1/deliveries?limit=0x10', { token: owner.accessToken }), 400, 'VALIDATION_FAILED');
    expect((await notify.get('/notify/v1/deliveries?limit=16', { token: owner.accessToken })).body.page.limit).toBe(16);
    const missing = await auth.get('/auth/v1/no-such-route-<script>');
    expectEnvelope(missing, 404, 'NOT_FOUND');
    expect(missing.text).not.toContain('script');
    for (const method of ['TRACE', 'PROPFIND']) {
      const res = await rawRequest(urls.notify, { method, path: '/notify/v1/me' });
      expectEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    }
    for (const path of ['/notify/v1/../../auth/v1/me', '/auth/v1/%2e%2e/v1/me', '/auth/./v1/me']) {
      expectEnvelope(await rawRequest(urls.auth, { path }), 400, 'BAD_REQUEST');
    }
  });

  it('a 5 MB body → 413, with and without Expect: 100-continue, chunked too (defect 3)', async () => {
    const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(5_000_000) });
    for (const headers of [json, { ...json, expect: '100-continue' }]) {
      const res = await rawRequest(urls.auth, { method: 'POST', path: '/auth/v1/signup', headers, body: big });
      expectEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
    }
    const chunked = await rawRequest(urls.auth, { method: 'POST', path: '/auth/v1/signup', headers: json, body: big, chunked: true });
    expectEnvelope(chunked, 413, 'PAYLOAD_TOO_LARGE');
    const continued = await rawRequest(urls.auth, {
      method: 'POST',
      path: '/auth/v1/login',
      headers: { ...json, expect: '100-continue' },
      body: JSON.stringify({ email: owner.email, password: owner.password }),
    });
    expect(continued.status).toBe(200);
  });

  it('token responses are never cached; security headers everywhere, no framework banner', async () => {
    const login = await auth.post('/auth/v1/login', { email: owner.email, password: owner.password });
    expect(login.status).toBe(200);
    const refresh = await auth.post('/auth/v1/refresh', { refreshToken: login.body.data.refreshToken });
    const key = await auth.post('/auth/v1/api-keys', { name: 'ci', scopes: ['notifications:send'] }, { token: owner.accessToken });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const pat = await auth.post('/auth/v1/tokens', { name: 'cli', roles: ['user'], expiresAt }, { token: owner.accessToken });
    const rotated = await auth.post(`/auth/v1/api-keys/${key.body.data.id}/rotate`, {}, { token: owner.accessToken });
    const signedUp = await auth.post('/auth/v1/signup', { email: uniqueEmail(), password: 'correct horse battery' });
    for (const res of [login, refresh, key, pat, rotated, signedUp]) {
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    for (const res of [login, await notify.get('/notify/v1/me', { token: owner.accessToken }), await auth.get('/nope')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('server')).toBeNull();
    }
    expect((await auth.get('/.well-known/jwks.json')).headers.get('cache-control')).toMatch(/max-age/);
  });

  it('CORS: preflight for a listed origin answered, credentials allowed; other origins get no grant', async () => {
    const preflight = (origin: string, path: string, base: string) =>
      new HttpClient(base).request('OPTIONS', path, {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    for (const [base, path] of [
      [urls.auth, '/auth/v1/login'],
      [urls.notify, '/notify/v1/deliveries'],
    ] as const) {
      const ok = await preflight(CORS_ORIGIN, path, base);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(CORS_ORIGIN);
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      const evil = await preflight('https://evil.example.com', path, base);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    }
    const simple = await auth.get('/auth/v1/tenant', { headers: { origin: CORS_ORIGIN } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(CORS_ORIGIN);
    expect(simple.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('POST /auth/v1/users does not tell whether an email is registered in another tenant (defect 9)', () => {
  it('answers a teammate’s and a stranger’s address alike, and budgets those answers per tenant', async () => {
    const stranger = await signup(stack.direct.auth);
    const admin = await signup(stack.viaGateway);
    const create = (email: string) =>
      stack.viaGateway.post('/auth/v1/users', { email, password: 'long enough pw' }, { token: admin.accessToken });
    const teammate = await create(uniqueEmail('mate'));
    expect(teammate.status).toBe(201);
    const inTeam = await create(teammate.body.data.email);
    const elsewhere = await create(stranger.email);
    expectEnvelope(inTeam, 409, 'CONFLICT');
    expectEnvelope(elsewhere, 409, 'CONFLICT');
    expect(elsewhere.body.error.message).toBe(inTeam.body.error.message);
    expect(elsewhere.body.error.message).not.toMatch(/exists|registered|tenant/i);
    // The default budget is 10 refusals per hour: spend it, then every creation is 429, free addresses included.
    for (let i = 0; i < 8; i++) expect((await create(stranger.email)).status).toBe(409);
    const limited = await create(stranger.email);
    expectEnvelope(limited, 429, 'RATE_LIMITED');
    expectEnvelope(await create(uniqueEmail('free')), 429, 'RATE_LIMITED');
    // Another tenant's budget is its own.
    expect(
      (
        await stack.direct.auth.post(
          '/auth/v1/users',
          { email: uniqueEmail(), password: 'long enough pw' },
          { token: stranger.accessToken },
        )
      ).status,
    ).toBe(201);
  });
});
