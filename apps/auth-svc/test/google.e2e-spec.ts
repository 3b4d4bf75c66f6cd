import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OAuth2Server } from 'oauth2-mock-server';
import { login, signup, startAuth, uniqueEmail, type AuthTestEnv } from './support/auth-test-kit.js';
import { db, isActive } from './support/credentials-test-kit.js';

const APP_URL = 'myapp://auth/done';

describe('Google sign-in (against a local OAuth2 server)', () => {
  let google: OAuth2Server;
  let env: AuthTestEnv;
  /** What the mock's userinfo endpoint answers for the next sign-in. */
  let profile: Record<string, unknown> = {};

  beforeAll(async () => {
    google = new OAuth2Server();
    await google.issuer.keys.generate('RS256');
    await google.start(0, '127.0.0.1');
    google.service.on('beforeUserinfo', (res: { body: unknown }) => {
      res.body = profile;
    });
    const base = google.issuer.url!;
    env = await startAuth({
      GOOGLE_CLIENT_ID: 'test-client-id',
      GOOGLE_CLIENT_SECRET: 'test-client-secret',
      GOOGLE_CALLBACK_URL: 'http://auth.test/auth/v1/google/callback',
      GOOGLE_AUTH_URL: `${base}/authorize`,
      GOOGLE_TOKEN_URL: `${base}/token`,
      GOOGLE_USERINFO_URL: `${base}/userinfo`,
      GOOGLE_REDIRECT_ALLOWLIST: `${APP_URL},https://app.example.com/signed-in`,
    });
  });
  afterAll(async () => {
    await env?.close();
    await google?.stop();
  });

  /** The browser's part: start, consent at "Google", come back with code and state (not yet delivered). */
  async function consent(redirectUri?: string) {
    const start = await env.http.get(`/auth/v1/google${redirectUri ? `?redirect_uri=${encodeURIComponent(redirectUri)}` : ''}`);
    expect(start.status).toBe(302);
    const setCookie = start.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^g_oauth=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/auth\/v1\/google; HttpOnly; SameSite=Lax/);
    const authorizeUrl = new URL(start.headers.get('location')!);
    const atGoogle = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(atGoogle.status).toBe(302);
    const back = new URL(atGoogle.headers.get('location')!);
    return { cookie: setCookie.split(';')[0]!, authorizeUrl, back };
  }

  const callback = (search: string, cookie?: string) =>
    env.http.get(`/auth/v1/google/callback${search}`, cookie ? { headers: { cookie: `other=1; ${cookie}` } } : {});

  async function signInWithGoogle(redirectUri?: string) {
    const { cookie, back } = await consent(redirectUri);
    return callback(back.search, cookie);
  }

  it('redirects to Google with client id, callback, scopes, state and a PKCE S256 challenge', async () => {
    const { authorizeUrl, back } = await consent();
    const q = authorizeUrl.searchParams;
    expect(authorizeUrl.pathname).toBe('/authorize');
    expect(q.get('client_id')).toBe('test-client-id');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe('http://auth.test/auth/v1/google/callback');
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(back.searchParams.get('state')).toBe(q.get('state'));
  });

  it('first sign-in creates the user and a tenant; the second signs in the same user', async () => {
    const email = uniqueEmail('google');
    profile = { sub: 'google-sub-1', email, email_verified: true, name: 'Grace Google', given_name: 'Grace', family_name: 'Google' };
    const first = await signInWithGoogle();
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const d = first.body.data;
    expect(d).toMatchObject({ outcome: 'created', tokenType: 'Bearer', expiresIn: 900 });
    expect(d.user).toMatchObject({ email, name: 'Grace Google', firstName: 'Grace', lastName: 'Google', emailVerified: true });
    expect(d.user.roles.sort()).toEqual(['admin', 'organizer', 'user']);
    expect(d.tenant).toMatchObject({ name: "Grace Google's Organization", planTier: 'free' });
    expect(await isActive(env.http, d.accessToken)).toBe(true);
    expect((await env.http.get('/auth/v1/me', { token: d.accessToken })).body.data.id).toBe(d.user.id);

    const second = await signInWithGoogle();
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ outcome: 'signed_in', user: { id: d.user.id }, tenant: { id: d.tenant.id } });
    const users = await db(env.t).query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(users[0].n).toBe(1);
    const tenants = await db(env.t).query('SELECT count(*)::int AS n FROM tenants WHERE id = $1', [d.tenant.id]);
    expect(tenants[0].n).toBe(1);
    // The session is a real one: its refresh token works.
    expect((await env.http.post('/auth/v1/refresh', { refreshToken: second.body.data.refreshToken })).status).toBe(200);
  });

  it('links an existing password account with the same verified email instead of duplicating it', async () => {
    const owner = await signup(env.http);
    profile = { sub: 'google-sub-link', email: owner.email.toUpperCase(), email_verified: true, name: 'Someone' };
    const res = await signInWithGoogle();
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      outcome: 'linked',
      user: { id: owner.userId, email: owner.email },
      tenant: { id: owner.tenantId },
    });
    const links = await db(env.t).query('SELECT user_id FROM google_identities WHERE subject = $1', [profile.sub]);
    expect(links).toEqual([{ user_id: owner.userId }]);
    const users = await db(env.t).query('SELECT count(*)::int AS n FROM users WHERE email = $1', [owner.email]);
    expect(users[0].n).toBe(1);
    expect((await login(env.http, owner.email, owner.password)).status).toBe(200);
    const again = await signInWithGoogle();
    expect(again.body.data).toMatchObject({ outcome: 'signed_in', user: { id: owner.userId } });
  });

  it('does not create or link an account from an unverified email (403)', async () => {
    const owner = await signup(env.http);
    profile = { sub: 'google-sub-unverified', email: owner.email, email_verified: false };
    const res = await signInWithGoogle();
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
    const links = await db(env.t).query('SELECT count(*)::int AS n FROM google_identities WHERE subject = $1', [profile.sub]);
    expect(links[0].n).toBe(0);
  });

  it('refuses a missing, forged, reused or foreign-browser state', async () => {
    profile = { sub: 'google-sub-state', email: uniqueEmail('state'), email_verified: true };
    const { cookie, back } = await consent();
    const code = back.searchParams.get('code')!;
    const state = back.searchParams.get('state')!;

    const noState = await callback(`?code=${code}`, cookie);
    expect(noState.status).toBe(403);
    expect(noState.body.error.code).toBe('FORBIDDEN');
    const forged = await callback(`?code=${code}&state=${'A'.repeat(43)}`, cookie);
    expect(forged.status).toBe(403);
    const noCookie = await callback(`?code=${code}&state=${state}`);
    expect(noCookie.status).toBe(403);
    expect(noCookie.body.error.message).toContain('browser');

    // A flow started elsewhere (the attacker's) cannot be finished with this browser's cookie.
    const other = await consent();
    const crossed = await callback(other.back.search, cookie);
    expect(crossed.status).toBe(403);
    // ...and it was consumed by that attempt, so it cannot be replayed with the right cookie either.
    expect((await callback(other.back.search, other.cookie)).status).toBe(403);

    const users = await db(env.t).query('SELECT count(*)::int AS n FROM users WHERE email = $1', [profile.email]);
    expect(users[0].n).toBe(0);
  });

  it('a state is single use', async () => {
    profile = { sub: 'google-sub-once', email: uniqueEmail('once'), email_verified: true };
    const { cookie, back } = await consent();
    expect((await callback(back.search, cookie)).status).toBe(200);
    const replay = await callback(back.search, cookie);
    expect(replay.status).toBe(403);
  });

  it('returns the tokens to an allow-listed app URL in the fragment, and refuses an unlisted one', async () => {
    profile = { sub: 'google-sub-app', email: uniqueEmail('app'), email_verified: true };
    const res = await signInWithGoogle(APP_URL);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${APP_URL}#`)).toBe(true);
    const fragment = new URLSearchParams(location.slice(location.indexOf('#') + 1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect(fragment.get('expires_in')).toBe('900');
    expect(await isActive(env.http, fragment.get('access_token')!)).toBe(true);
    expect(await isActive(env.http, fragment.get('refresh_token')!)).toBe(true);

    for (const bad of ['https://evil.example.com/steal', `${APP_URL}/more`, 'https://app.example.com/signed-in?x=1']) {
      const refused = await env.http.get(`/auth/v1/google?redirect_uri=${encodeURIComponent(bad)}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'redirect_uri' }] });
      expect(refused.headers.get('location')).toBeNull();
    }
    expect((await env.http.get('/auth/v1/google?unknown=1')).status).toBe(400);
  });

  it('sends a failure after a verified state back to the app URL as an OAuth error in the fragment', async () => {
    const owner = await signup(env.http);
    profile = { sub: 'google-sub-app-unverified', email: owner.email, email_verified: false };
    const res = await signInWithGoogle(APP_URL);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${APP_URL}#`)).toBe(true);
    const fragment = new URLSearchParams(location.slice(location.indexOf('#') + 1));
    expect(fragment.get('error')).toBe('access_denied');
    expect(fragment.get('error_description')).toContain('verified email');
    expect(fragment.get('access_token')).toBeNull();

    // Cancelled at Google: the app hears about it too.
    const cancelled = await consent(APP_URL);
    const cancelledBack = await callback(`?error=access_denied&state=${cancelled.back.searchParams.get('state')}`, cancelled.cookie);
    expect(cancelledBack.status).toBe(302);
    expect(cancelledBack.headers.get('location')).toMatch(new RegExp(`^${APP_URL}#error=access_denied&`));

    // A forged state never learns (or uses) the app URL: plain 403 in the envelope.
    const { cookie, back } = await consent(APP_URL);
    const forged = await callback(`?code=${back.searchParams.get('code')}&state=${'B'.repeat(43)}`, cookie);
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('answers a refusal at Google with 401, and bad callback parameters with 400', async () => {
    const { cookie, back } = await consent();
    const denied = await callback(`?error=access_denied&state=${back.searchParams.get('state')}`, cookie);
    expect(denied.status).toBe(401);
    expect(denied.body.error.code).toBe('UNAUTHORIZED');
    expect((await callback('', cookie)).status).toBe(400);
    expect((await callback(`?code=a&code=b&state=x`, cookie)).status).toBe(400);
  });

  it('a Google account whose user was deactivated cannot sign in (403)', async () => {
    const owner = await signup(env.http);
    const member = await env.http.post(
      '/auth/v1/users',
      { email: uniqueEmail('gm'), password: 'member password 1', roles: ['user'] },
      { token: owner.accessToken },
    );
    profile = { sub: 'google-sub-deactivated', email: member.body.data.email, email_verified: true };
    expect((await signInWithGoogle()).body.data).toMatchObject({ outcome: 'linked', user: { id: member.body.data.id } });
    await env.http.patch(`/auth/v1/users/${member.body.data.id}`, { isActive: false }, { token: owner.accessToken });
    const res = await signInWithGoogle();
    expect(res.status).toBe(403);
  });
});

describe('Google sign-in when it is not configured', () => {
  let env: AuthTestEnv;
  beforeAll(async () => {
    env = await startAuth({ RATE_LIMIT_LOGIN: '3/1m' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the service starts and both routes answer 503 with a clear message', async () => {
    expect((await env.http.get('/health')).status).toBe(200);
    for (const path of ['/auth/v1/google', '/auth/v1/google/callback?code=x&state=y']) {
      const res = await env.http.get(path);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ data: null, error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(res.body.error.message).toContain('GOOGLE_CLIENT_ID');
    }
  });

  it('counts against the per-IP login limit (429 with Retry-After)', async () => {
    let res = await env.http.get('/auth/v1/google');
    for (let i = 0; i < 4 && res.status !== 429; i++) res = await env.http.get('/auth/v1/google');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
