import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { login, signup, startAuth, uniqueEmail, type AuthTestEnv } from './support/auth-test-kit.js';
import { introspect } from './support/credentials-test-kit.js';
import { seedBody, withPlaceholders, type SeedProduct } from './support/seed-docs.js';

// The seed documents' request bodies, by product: copied into test/fixtures/seed-requests/ (each
// with its seed file and line), so this runs in any clone of the repository.
const NOTIFER: SeedProduct = 'notifer';
const NOTIFYHUB: SeedProduct = 'notifyhub';
const ALERTIFYPRO: SeedProduct = 'alertifypro';
const EVENT_PLATFORM: SeedProduct = 'event-platform';

const fields = (res: { body: any }) => (res.body.error?.details ?? []).map((d: { field: string }) => d.field).sort();

let env: AuthTestEnv;

beforeAll(async () => {
  env = await startAuth();
});
afterAll(async () => {
  await env?.close();
});

describe('the seeds’ documented auth requests, replayed as written', () => {
  describe('NotifyHub (seed 001)', () => {
    it('signs up with the documented body (role admin included): E.164 phone on the user, sector and country on the tenant', async () => {
      const body = seedBody(NOTIFYHUB, 36);
      expect(body).toMatchObject({ countryCode: '+254', phoneNumber: '712345678', country: 'Kenya', role: 'admin' });
      const res = await env.http.post('/auth/v1/signup', body);
      expect(res.status).toBe(201);
      const d = res.body.data;
      expect(d.user).toMatchObject({ email: 'john@yourcompany.com', firstName: 'John', lastName: 'Doe', phone: '+254712345678' });
      expect(d.user.roles.sort()).toEqual(['admin', 'organizer', 'user']);
      const tenant = { name: 'Your Company Ltd', sector: 'Technology', country: { code: 'KE', alpha3: 'KEN', name: 'Kenya' } };
      expect(d.tenant).toMatchObject(tenant);
      const shown = await env.http.get('/auth/v1/tenant', { token: d.accessToken });
      expect(shown.status).toBe(200);
      expect(shown.body.data).toMatchObject({ id: d.tenant.id, planTier: 'free', ...tenant });
    });

    it('signs up with the cURL example (only the email changed: the first example took it)', async () => {
      const body = seedBody(NOTIFYHUB, 88);
      expect(body).toMatchObject({ email: 'john@yourcompany.com', countryCode: '+254', sector: 'Technology', country: 'Kenya' });
      const email = uniqueEmail('john');
      const res = await env.http.post('/auth/v1/signup', { ...body, email });
      expect(res.status).toBe(201);
      expect(res.body.data.user).toMatchObject({ email, phone: '+254712345678' });
      expect(res.body.data.tenant).toMatchObject({ sector: 'Technology', country: { code: 'KE' } });
    });

    it('logs in with the documented body', async () => {
      const res = await env.http.post('/auth/v1/login', seedBody(NOTIFYHUB, 136));
      expect(res.status).toBe(200);
      expect(res.body.data.user.email).toBe('john@yourcompany.com');
    });
  });

  describe('Notifer (seed 000)', () => {
    let refreshToken: string;
    let accessToken: string;

    it('logs in with the documented body', async () => {
      const body = seedBody(NOTIFER, 34);
      await signup(env.http, { email: body.email, password: body.password });
      const res = await env.http.post('/auth/v1/login', body);
      expect(res.status).toBe(200);
      ({ refreshToken, accessToken } = res.body.data);
    });

    it('refreshes with {"refresh_token": ...}', async () => {
      const body = withPlaceholders(seedBody(NOTIFER, 83), { refresh_token: { placeholder: 'YOUR_REFRESH_TOKEN', value: refreshToken } });
      const res = await env.http.post('/auth/v1/refresh', body);
      expect(res.status).toBe(200);
      expect(res.body.data.refreshToken).not.toBe(refreshToken);
      ({ refreshToken, accessToken } = res.body.data);
    });

    it('creates an API key with {"expires_at": null}: a key that does not expire, and works', async () => {
      const body = seedBody(NOTIFER, 105);
      expect(body).toEqual({ name: 'Production Server', expires_at: null });
      const res = await env.http.post('/auth/v1/api-keys', body, { token: accessToken });
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ name: 'Production Server', expiresAt: null });
      const seen = await introspect(env.http, res.body.data.key);
      expect(seen.body).toMatchObject({ active: true });
      expect(seen.body.exp).toBeUndefined();
    });

    it('logs out with the same {"refresh_token": ...} shape, ending the session', async () => {
      const res = await env.http.post('/auth/v1/logout', { refresh_token: refreshToken });
      expect(res.status).toBe(204);
      expect((await env.http.post('/auth/v1/refresh', { refresh_token: refreshToken })).status).toBe(401);
    });
  });

  describe('AlertifyPro (seed 002)', () => {
    // The seed's address reads "[email protected]" (with a no-break space): its publisher's email
    // obfuscation, not an address, so it is the one field replaced.
    const email = uniqueEmail('alertify');

    it('registers with {email, password, full_name}: the user is named and so is the free-plan tenant', async () => {
      const body = seedBody(ALERTIFYPRO, 58);
      expect(body).toEqual({ email: '[email\u00a0protected]', password: 'your_password', full_name: 'Your Name' });
      const res = await env.http.post('/auth/v1/signup', { ...body, email });
      expect(res.status).toBe(201);
      expect(res.body.data.user).toMatchObject({ email, name: 'Your Name' });
      expect(res.body.data.tenant).toMatchObject({ name: "Your Name's Organization", planTier: 'free', sector: null, country: null });
    });

    it('logs in with the documented body', async () => {
      const res = await env.http.post('/auth/v1/login', { ...seedBody(ALERTIFYPRO, 11), email });
      expect(res.status).toBe(200);
    });
  });

  describe('the event platform’s notify-svc (seed 003)', () => {
    let refreshToken: string;

    it('logs in with the documented body', async () => {
      const body = seedBody(EVENT_PLATFORM, 14);
      await signup(env.http, { email: body.email, password: body.password });
      const res = await env.http.post('/auth/v1/login', body);
      expect(res.status).toBe(200);
      refreshToken = res.body.data.refreshToken;
    });

    it('refreshes with {"refreshToken": ...}', async () => {
      const body = withPlaceholders(seedBody(EVENT_PLATFORM, 36), {
        refreshToken: { placeholder: 'eyJhbGciOiJSUzI1NiIs...', value: refreshToken },
      });
      const res = await env.http.post('/auth/v1/refresh', body);
      expect(res.status).toBe(200);
    });
  });
});

describe('the seeds’ field spellings refuse what they should, changing nothing', () => {
  const notifyHubSignup = (overrides: Record<string, unknown>): Record<string, unknown> => ({
    ...seedBody(NOTIFYHUB, 88),
    email: uniqueEmail('hub'),
    ...overrides,
  });

  async function refusedSignup(body: Record<string, unknown>) {
    const res = await env.http.post('/auth/v1/signup', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: null, error: { code: 'VALIDATION_FAILED' } });
    // Nothing was created: the email is still free.
    expect((await login(env.http, body.email as string, body.password as string)).status).toBe(401);
    return fields(res);
  }

  it('a phone pair that is no number: 400 naming both fields', async () => {
    expect(await refusedSignup(notifyHubSignup({ phoneNumber: '12' }))).toEqual(['countryCode', 'phoneNumber']);
    expect(await refusedSignup(notifyHubSignup({ countryCode: '+25', phoneNumber: '4712345678' }))).toEqual(['countryCode', 'phoneNumber']);
    expect(await refusedSignup(notifyHubSignup({ countryCode: 'Kenya' }))).toEqual(['countryCode']);
    expect(await refusedSignup(notifyHubSignup({ phoneNumber: 'call me' }))).toEqual(['phoneNumber']);
  });

  it('half a phone pair, or a pair beside phone: 400', async () => {
    const { countryCode: _c, ...withoutCode } = notifyHubSignup({});
    expect(await refusedSignup(withoutCode)).toEqual(['countryCode']);
    const { phoneNumber: _n, ...withoutNumber } = notifyHubSignup({});
    expect(await refusedSignup(withoutNumber)).toEqual(['phoneNumber']);
    expect(await refusedSignup(notifyHubSignup({ phone: '+254712345678' }))).toEqual(['phone']);
  });

  it('a country that is no ISO 3166 country: 400 naming it; a code in any case is normalised', async () => {
    expect(await refusedSignup(notifyHubSignup({ country: 'Atlantis' }))).toEqual(['country']);
    expect(await refusedSignup(notifyHubSignup({ country: 'XX' }))).toEqual(['country']);
    expect(await refusedSignup(notifyHubSignup({ country: 42 }))).toEqual(['country']);
    const res = await env.http.post('/auth/v1/signup', notifyHubSignup({ country: 'deu' }));
    expect(res.status).toBe(201);
    expect(res.body.data.tenant.country).toEqual({ code: 'DE', alpha3: 'DEU', name: 'Germany' });
  });

  it('a role other than admin: 400', async () => {
    for (const role of ['user', 'organizer', 'owner', ['admin']]) expect(await refusedSignup(notifyHubSignup({ role }))).toEqual(['role']);
  });

  it('full_name and name that differ: 400; the same value in both is one name', async () => {
    const body = { email: uniqueEmail('alertify'), password: 'your_password' };
    expect(await refusedSignup({ ...body, name: 'Ada', full_name: 'Grace' })).toEqual(['full_name']);
    const res = await env.http.post('/auth/v1/signup', { ...body, name: 'Ada', full_name: 'Ada' });
    expect(res.status).toBe(201);
    expect(res.body.data.user.name).toBe('Ada');
  });

  it('unknown fields are still refused beside the new ones', async () => {
    expect(await refusedSignup(notifyHubSignup({ fullName: 'John Doe', organisation: 'x' }))).toEqual(['fullName', 'organisation']);
  });

  it('refresh and logout with both refreshToken and refresh_token, or neither: 400, and the session lives on', async () => {
    const s = await signup(env.http);
    for (const route of ['/auth/v1/refresh', '/auth/v1/logout']) {
      const both = await env.http.post(route, { refreshToken: s.refreshToken, refresh_token: s.refreshToken });
      expect(both.status).toBe(400);
      expect(both.body.error.code).toBe('VALIDATION_FAILED');
      expect(fields(both)).toEqual(['refresh_token']);
      const neither = await env.http.post(route, {});
      expect(neither.status).toBe(400);
      expect(fields(neither)).toEqual(['refreshToken']);
      const wrongType = await env.http.post(route, { refresh_token: 42 });
      expect(wrongType.status).toBe(400);
    }
    expect((await env.http.post('/auth/v1/refresh', { refresh_token: s.refreshToken })).status).toBe(200);
  });

  it('API keys: expiresAt and expires_at together are 400; expires_at is checked like expiresAt', async () => {
    const s = await signup(env.http);
    const create = (body: Record<string, unknown>) => env.http.post('/auth/v1/api-keys', body, { token: s.accessToken });
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const both = await create({ name: 'k', expiresAt: later, expires_at: later });
    expect(both.status).toBe(400);
    expect(fields(both)).toEqual(['expires_at']);
    expect(fields(await create({ name: 'k', expires_at: 'soon' }))).toEqual(['expiresAt']);
    expect((await create({ name: 'k', expires_at: '2001-01-01T00:00:00Z' })).status).toBe(422);
    const list = await env.http.get('/auth/v1/api-keys', { token: s.accessToken });
    expect(list.body.data).toEqual([]);
    const ok = await create({ name: 'k', expires_at: later });
    expect(ok.status).toBe(201);
    expect(ok.body.data.expiresAt).toBe(later);
    const nullCanonical = await create({ name: 'k2', expiresAt: null });
    expect(nullCanonical.status).toBe(201);
    expect(nullCanonical.body.data.expiresAt).toBeNull();
  });
});
