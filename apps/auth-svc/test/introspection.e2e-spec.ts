import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, INTERNAL_KEY, signup, startAuth, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';
import { inSeconds, introspect, isActive } from './support/credentials-test-kit.js';

describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
  let env: AuthTestEnv;
  let owner: SignedUp;

  beforeAll(async () => {
    env = await startAuth();
    owner = await signup(env.http);
  });
  afterAll(async () => {
    await env?.close();
  });

  const apiKey = async (token = owner.accessToken, scopes?: string[]) =>
    (await env.http.post('/auth/v1/api-keys', { name: 'k', ...(scopes ? { scopes } : {}) }, { token })).body.data as {
      id: string;
      key: string;
    };
  const pat = async (token = owner.accessToken) =>
    (await env.http.post('/auth/v1/tokens', { name: 'p', expiresAt: inSeconds(86_400) }, { token })).body.data as {
      id: string;
      token: string;
    };
  const revoke = (body: Record<string, unknown> | string, token: string | undefined, headers: Record<string, string> = {}) =>
    typeof body === 'string'
      ? env.http.request('POST', '/auth/v1/revoke', {
          raw: body,
          token,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        })
      : env.http.post('/auth/v1/revoke', body, { token, headers });

  it('documents every credential route in OpenAPI with its security scheme', async () => {
    const doc = (await env.http.get('/docs-json')).body;
    expect(doc.paths['/auth/v1/introspect'].post.security).toEqual([{ 'internal-key': [] }]);
    expect(Object.keys(doc.paths['/auth/v1/introspect'].post.requestBody.content).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    expect(doc.paths['/auth/v1/revoke'].post.security).toEqual([{ bearer: [] }]);
    for (const path of [
      '/auth/v1/api-keys',
      '/auth/v1/api-keys/{id}',
      '/auth/v1/api-keys/{id}/rotate',
      '/auth/v1/tokens',
      '/auth/v1/tokens/{id}',
      '/auth/v1/tokens/{id}/rotate',
      '/auth/v1/google',
      '/auth/v1/google/callback',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.paths['/auth/v1/api-keys'].post.security).toEqual([{ bearer: [] }]);
  });

  describe('POST /auth/v1/introspect', () => {
    it('needs the internal key: none, a wrong one, or a user token instead is 401 in the envelope', async () => {
      const key = await apiKey();
      for (const res of [
        await introspect(env.http, key.key, { key: null }),
        await introspect(env.http, key.key, { key: 'wrong-key' }),
        await env.http.post('/auth/v1/introspect', { token: key.key }, { token: owner.accessToken }),
        await env.http.post('/auth/v1/introspect', { token: key.key }, { headers: { 'x-api-key': key.key } }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
      }
    });

    it('takes form-encoded and JSON bodies, with or without a hint', async () => {
      const key = await apiKey();
      const form = await introspect(env.http, key.key, { form: true, hint: 'api_key' });
      const json = await introspect(env.http, key.key);
      expect(form.status).toBe(200);
      expect(form.body).toEqual(json.body);
      expect(form.body.active).toBe(true);
      expect(form.headers.get('content-type')).toContain('application/json');
      // A wrong or unknown hint does not change the answer: the credential's format decides.
      expect((await introspect(env.http, key.key, { hint: 'refresh_token' })).body.active).toBe(true);
      expect((await introspect(env.http, key.key, { hint: 'carrier_pigeon' })).body.active).toBe(true);
    });

    it('refuses a request without a token with 400 in the envelope', async () => {
      const headers = { 'x-internal-api-key': INTERNAL_KEY };
      for (const res of [
        await env.http.post('/auth/v1/introspect', {}, { headers }),
        await env.http.post('/auth/v1/introspect', { token: '' }, { headers }),
        await env.http.post('/auth/v1/introspect', { token: 42 }, { headers }),
        await env.http.post('/auth/v1/introspect', { token: 'x'.repeat(9000) }, { headers }),
        await env.http.request('POST', '/auth/v1/introspect', {
          raw: 'token_type_hint=api_key',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ data: null, error: { code: 'VALIDATION_FAILED' } });
      }
    });

    it('answers access and refresh tokens with their type, subject, roles and lifetime', async () => {
      const access = await introspect(env.http, owner.accessToken);
      expect(access.body).toMatchObject({
        active: true,
        token_type: 'access_token',
        sub: owner.userId,
        tenantId: owner.tenantId,
        email: owner.email,
        planTier: 'free',
        exp: expect.any(Number),
        iat: expect.any(Number),
      });
      expect(access.body.roles.sort()).toEqual(['admin', 'organizer', 'user']);
      expect(access.body.exp - access.body.iat).toBe(owner.expiresIn);
      const refresh = await introspect(env.http, owner.refreshToken, { hint: 'refresh_token' });
      expect(refresh.body).toMatchObject({ active: true, token_type: 'refresh_token', sub: owner.userId, tenantId: owner.tenantId });
      const forged = owner.accessToken.slice(0, -3) + (owner.accessToken.endsWith('AAA') ? 'BBB' : 'AAA');
      expect((await introspect(env.http, forged)).body).toEqual({ active: false });
      expect((await introspect(env.http, 'not.a.jwt')).body).toEqual({ active: false });
    });

    it('a used (rotated) refresh token is inactive, its successor active', async () => {
      const s = await signup(env.http);
      const refreshed = await env.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
      expect(refreshed.status).toBe(200);
      expect(await isActive(env.http, s.refreshToken)).toBe(false);
      expect(await isActive(env.http, refreshed.body.data.refreshToken)).toBe(true);
    });
  });

  describe('POST /auth/v1/revoke', () => {
    it('a user revokes their own refresh token: the session ends, and its tokens read inactive', async () => {
      const s = await signup(env.http);
      const res = await revoke({ token: s.refreshToken, token_type_hint: 'refresh_token' }, s.accessToken);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      expect(await isActive(env.http, s.refreshToken)).toBe(false);
      expect(await isActive(env.http, s.accessToken)).toBe(false);
      const refresh = await env.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
      expect(refresh.status).toBe(401);
    });

    it('a user revokes their own personal token (form body); a member cannot revoke the admin’s (403)', async () => {
      const member = await addMember(env.http, owner.accessToken, ['user']);
      const own = await pat(member.accessToken);
      const res = await revoke(new URLSearchParams({ token: own.token }).toString(), member.accessToken);
      expect(res.status).toBe(200);
      expect(await isActive(env.http, own.token)).toBe(false);

      const admins = await pat();
      const denied = await revoke({ token: admins.token }, member.accessToken);
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
      expect(await isActive(env.http, admins.token)).toBe(true);
      const deniedKey = await revoke({ token: (await apiKey()).key }, member.accessToken);
      expect(deniedKey.status).toBe(403);
      const deniedSession = await revoke({ token: owner.refreshToken }, member.accessToken);
      expect(deniedSession.status).toBe(403);
      expect(await isActive(env.http, owner.refreshToken)).toBe(true);
    });

    it("an admin revokes any credential of the tenant: a member's token, session, and an API key", async () => {
      const member = await addMember(env.http, owner.accessToken, ['user']);
      const memberPat = await pat(member.accessToken);
      const key = await apiKey();
      for (const token of [memberPat.token, member.refreshToken, key.key]) {
        const res = await revoke({ token }, owner.accessToken);
        expect(res.status).toBe(200);
        expect(await isActive(env.http, token)).toBe(false);
      }
      expect(await isActive(env.http, member.accessToken)).toBe(false);
    });

    it('answers 200 and changes nothing for unknown, inactive and other tenants’ tokens', async () => {
      const stranger = await signup(env.http);
      const foreignKey = await apiKey(stranger.accessToken);
      const foreignPat = await pat(stranger.accessToken);
      for (const token of ['garbage', 'nk_AAAAAAAAAAAA_' + 'A'.repeat(43), foreignKey.key, foreignPat.token, stranger.refreshToken]) {
        const res = await revoke({ token }, owner.accessToken);
        expect(res.status).toBe(200);
      }
      expect(await isActive(env.http, foreignKey.key)).toBe(true);
      expect(await isActive(env.http, foreignPat.token)).toBe(true);
      expect(await isActive(env.http, stranger.refreshToken)).toBe(true);
    });

    it('needs a user credential (401 without, 403 for an API key) and a token (400)', async () => {
      const key = await apiKey();
      const anonymous = await revoke({ token: key.key }, undefined);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
      const byKey = await revoke({ token: key.key }, undefined, { 'x-api-key': key.key });
      expect(byKey.status).toBe(403);
      const internal = await revoke({ token: key.key }, undefined, { 'x-internal-api-key': INTERNAL_KEY });
      expect(internal.status).toBe(401);
      const empty = await revoke({}, owner.accessToken);
      expect(empty.status).toBe(400);
      expect(empty.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'token' }] });
      expect(await isActive(env.http, key.key)).toBe(true);
    });

    it('a personal token can revoke itself', async () => {
      const p = await pat();
      expect((await revoke({ token: p.token }, p.token)).status).toBe(200);
      expect(await isActive(env.http, p.token)).toBe(false);
    });
  });
});
