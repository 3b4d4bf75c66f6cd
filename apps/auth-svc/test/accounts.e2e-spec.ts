import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodePayload, login, signup, startAuth, uniqueEmail, type AuthTestEnv } from './support/auth-test-kit.js';

describe('accounts: signup, login, me, password', () => {
  let env: AuthTestEnv;

  beforeAll(async () => {
    env = await startAuth();
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('POST /auth/v1/signup', () => {
    it('creates a tenant and its admin owner and returns a token pair, the user and the tenant', async () => {
      const email = uniqueEmail('Owner');
      const res = await env.http.post('/auth/v1/signup', {
        email: `  ${email.toUpperCase()}  `,
        password: 'long enough password',
        firstName: 'Ada',
        lastName: 'Lovelace',
        companyName: 'Analytical Engines',
      });
      expect(res.status).toBe(201);
      expect(res.body.error).toBeNull();
      const d = res.body.data;
      expect(d).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(typeof d.accessToken).toBe('string');
      expect(typeof d.refreshToken).toBe('string');
      expect(d.user).toMatchObject({ email: email.toLowerCase(), firstName: 'Ada', lastName: 'Lovelace', isActive: true });
      expect(d.user.roles.sort()).toEqual(['admin', 'organizer', 'user']);
      expect(d.user).not.toHaveProperty('passwordHash');
      expect(d.tenant).toMatchObject({ name: 'Analytical Engines', planTier: 'free' });
      expect(d.user.tenantId).toBe(d.tenant.id);
      expect(decodePayload(d.accessToken)).toMatchObject({ sub: d.user.id, tenantId: d.tenant.id, planTier: 'free' });
    });

    it('names the tenant after the person when there is no company', async () => {
      const s = await signup(env.http, { name: 'Grace Hopper' });
      expect(s.body.data.tenant.name).toBe("Grace Hopper's Organization");
    });

    it('answers a taken email (in any letter case) with 409 CONFLICT', async () => {
      const s = await signup(env.http);
      const res = await env.http.post('/auth/v1/signup', { email: s.email.toUpperCase(), password: 'another password' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ data: null, error: { code: 'CONFLICT' } });
    });

    it('rejects bad input with 400 VALIDATION_FAILED naming the fields', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ email: 'not-an-email', password: 'long enough password' }, 'email'],
        [{ email: uniqueEmail(), password: 'short' }, 'password'],
        // 73 bytes: bcrypt would silently ignore the tail, so it is refused.
        [{ email: uniqueEmail(), password: 'é'.repeat(36) + 'x' }, 'password'],
        [{ email: uniqueEmail(), password: 'long enough password', roles: ['admin'] }, 'roles'],
        [{ password: 'long enough password' }, 'email'],
      ];
      for (const [body, field] of cases) {
        const res = await env.http.post('/auth/v1/signup', body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });

    it('accepts a password of exactly 72 bytes', async () => {
      const res = await env.http.post('/auth/v1/signup', { email: uniqueEmail(), password: 'é'.repeat(36) });
      expect(res.status).toBe(201);
    });
  });

  describe('POST /auth/v1/login', () => {
    it('logs in with the normalised email and returns a pair and the user', async () => {
      const s = await signup(env.http);
      const res = await login(env.http, ` ${s.email.toUpperCase()} `, s.password);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: s.userId, email: s.email } });
      expect(res.body.data.refreshToken).toBeDefined();
    });

    it('answers a wrong password and an unknown email with the same 401 INVALID_CREDENTIALS', async () => {
      const s = await signup(env.http);
      const wrong = await login(env.http, s.email, 'wrong password!!');
      const unknown = await login(env.http, uniqueEmail('nobody'), 'wrong password!!');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.error).toEqual(unknown.body.error);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    });

    it('takes about as long for an unknown email as for a wrong password (a bcrypt compare either way)', async () => {
      const s = await signup(env.http);
      const time = async (email: string) => {
        const start = process.hrtime.bigint();
        await login(env.http, email, 'wrong password!!');
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 3; i++) {
        known.push(await time(s.email));
        unknown.push(await time(uniqueEmail('ghost')));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
      // At cost 4 a compare is ~1 ms; the point is that the unknown path is not a fast path.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
    });

    it('rejects a malformed body with 400', async () => {
      const res = await env.http.post('/auth/v1/login', { email: 'a@b.c' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET/PATCH /auth/v1/me', () => {
    it('returns the caller and updates the name fields', async () => {
      const s = await signup(env.http);
      const me = await env.http.get('/auth/v1/me', { token: s.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ id: s.userId, email: s.email });
      expect(me.body.meta.tenant_id).toBe(s.tenantId);
      const patched = await env.http.patch('/auth/v1/me', { firstName: 'Katherine', lastName: 'Johnson' }, { token: s.accessToken });
      expect(patched.status).toBe(200);
      expect(patched.body.data).toMatchObject({ firstName: 'Katherine', lastName: 'Johnson' });
      expect((await env.http.get('/auth/v1/me', { token: s.accessToken })).body.data.lastName).toBe('Johnson');
    });

    it('answers 401 without a token or with a bad one, and 400 for fields that are not name fields', async () => {
      expect((await env.http.get('/auth/v1/me')).status).toBe(401);
      const bad = await env.http.get('/auth/v1/me', { token: 'not.a.jwt' });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('UNAUTHORIZED');
      const s = await signup(env.http);
      const res = await env.http.patch('/auth/v1/me', { email: 'x@y.z', roles: ['admin'] }, { token: s.accessToken });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('refuses a refresh token as an access token', async () => {
      const s = await signup(env.http);
      const res = await env.http.get('/auth/v1/me', { token: s.refreshToken });
      expect(res.status).toBe(401);
    });
  });

  describe('POST /auth/v1/me/password', () => {
    it('changes the password and ends every other session, keeping the caller’s', async () => {
      const s = await signup(env.http);
      const other = (await login(env.http, s.email, s.password)).body.data;
      const res = await env.http.post(
        '/auth/v1/me/password',
        { currentPassword: s.password, newPassword: 'a brand new secret' },
        { token: s.accessToken },
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ sessionsEnded: 1 });
      // The other session is over; the caller's session goes on.
      expect((await env.http.post('/auth/v1/refresh', { refreshToken: other.refreshToken })).status).toBe(401);
      expect((await env.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken })).status).toBe(200);
      expect((await login(env.http, s.email, s.password)).status).toBe(401);
      expect((await login(env.http, s.email, 'a brand new secret')).status).toBe(200);
    });

    it('answers a wrong current password with 403 and a weak new one with 400, changing nothing', async () => {
      const s = await signup(env.http);
      const wrong = await env.http.post(
        '/auth/v1/me/password',
        { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
        { token: s.accessToken },
      );
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
      const weak = await env.http.post(
        '/auth/v1/me/password',
        { currentPassword: s.password, newPassword: 'short' },
        { token: s.accessToken },
      );
      expect(weak.status).toBe(400);
      expect((await login(env.http, s.email, s.password)).status).toBe(200);
      expect((await env.http.post('/auth/v1/me/password', { currentPassword: s.password, newPassword: 'x'.repeat(20) })).status).toBe(401);
    });
  });
});
