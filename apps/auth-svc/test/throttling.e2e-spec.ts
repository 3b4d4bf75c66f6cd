import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { login, signup, sleep, startAuth, uniqueEmail, type AuthTestEnv } from './support/auth-test-kit.js';

describe('abuse resistance: login lockout and per-IP rate limits', () => {
  describe('account lockout', () => {
    let env: AuthTestEnv;
    beforeAll(async () => {
      env = await startAuth({
        LOGIN_MAX_FAILURES: '5',
        LOGIN_FAILURE_WINDOW: '15m',
        LOGIN_LOCKOUT_BASE_DELAY: '1',
        LOGIN_LOCKOUT_MAX_DELAY: '60',
      });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('lets no more than LOGIN_MAX_FAILURES of 20 parallel wrong passwords reach the password check', async () => {
      const s = await signup(env.http);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => login(env.http, s.email, `wrong password ${i}`)));
      const checked = results.filter((r) => r.status === 401);
      const locked = results.filter((r) => r.status === 429);
      expect(checked.length).toBeLessThanOrEqual(5);
      // Slots are taken in the database before bcrypt runs, so exactly the limit gets through.
      expect(checked).toHaveLength(5);
      expect(checked.length + locked.length).toBe(20);
      for (const r of checked) expect(r.body.error.code).toBe('INVALID_CREDENTIALS');
      for (const r of locked) {
        expect(r.body.error.code).toBe('ACCOUNT_LOCKED');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      const failures = await env.http.get('/auth/v1/audit-events?type=login.failed&limit=100', { token: s.accessToken });
      expect(failures.body.data.length).toBe(checked.length);
      const lockouts = await env.http.get('/auth/v1/audit-events?type=login.locked', { token: s.accessToken });
      expect(lockouts.body.data).toHaveLength(1);
    });

    it('lets parallel correct logins of one account all through (they wait for a slot, nothing locks)', async () => {
      const s = await signup(env.http);
      const results = await Promise.all(Array.from({ length: 12 }, () => login(env.http, s.email, s.password)));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
      expect((await env.http.get('/auth/v1/audit-events?type=login.locked', { token: s.accessToken })).body.data).toHaveLength(0);
    });

    it('while locked, the right password gets the same answer as a wrong one; afterwards it works again', async () => {
      const s = await signup(env.http);
      for (let i = 0; i < 5; i++) expect((await login(env.http, s.email, 'wrong password')).status).toBe(401);
      const wrong = await login(env.http, s.email, 'wrong password');
      const right = await login(env.http, s.email, s.password);
      expect(right.status).toBe(429);
      expect(right.body.error).toEqual(wrong.body.error);
      expect(right.body.data).toBeNull();
      await sleep(1100);
      expect((await login(env.http, s.email, s.password)).status).toBe(200);
    });

    it('locks for a growing delay when the lockouts keep coming', async () => {
      const s = await signup(env.http);
      const lockOut = async () => {
        for (let i = 0; i < 5; i++) await login(env.http, s.email, 'wrong password');
        const r = await login(env.http, s.email, 'wrong password');
        expect(r.status).toBe(429);
        return Number(r.headers.get('retry-after'));
      };
      expect(await lockOut()).toBe(1);
      await sleep(1100);
      expect(await lockOut()).toBe(2);
    });

    it('counts wrong current passwords on POST /auth/v1/me/password against the same lockout', async () => {
      const s = await signup(env.http);
      const change = (currentPassword: string) =>
        env.http.post('/auth/v1/me/password', { currentPassword, newPassword: 'a brand new secret' }, { token: s.accessToken });
      for (let i = 0; i < 5; i++) expect((await change('not my password')).status).toBe(403);
      const locked = await change(s.password);
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
      expect((await login(env.http, s.email, s.password)).status).toBe(429);
    });

    it('locks an unknown email the same way, so lockouts do not reveal which accounts exist', async () => {
      const email = uniqueEmail('ghost');
      const results = [];
      for (let i = 0; i < 6; i++) results.push(await login(env.http, email, 'whatever password'));
      expect(results.slice(0, 5).map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
      expect(results[5]!.status).toBe(429);
      expect(results[5]!.body.error.code).toBe('ACCOUNT_LOCKED');
    });
  });

  describe('per-IP rate limits', () => {
    let env: AuthTestEnv;
    beforeAll(async () => {
      env = await startAuth({
        RATE_LIMIT_SIGNUP: '3/1m',
        RATE_LIMIT_LOGIN: '4/1m',
        RATE_LIMIT_REFRESH: '3/1m',
        LOGIN_IP_MAX_FAILURES: '1000/1m',
      });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('answers 429 RATE_LIMITED with Retry-After once an IP exceeds RATE_LIMIT_SIGNUP', async () => {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await env.http.post('/auth/v1/signup', { email: uniqueEmail(), password: 'long enough password' });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect(last!.body).toMatchObject({ data: null, error: { code: 'RATE_LIMITED' } });
      const retry = Number(last!.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      // Another client (behind the trusted gateway) has its own budget.
      const other = await env.http.post(
        '/auth/v1/signup',
        { email: uniqueEmail(), password: 'long enough password' },
        { headers: { 'x-forwarded-for': '203.0.113.9' } },
      );
      expect(other.status).toBe(201);
    });

    it('limits login and refresh per IP too', async () => {
      const ip = { 'x-forwarded-for': '198.51.100.7' };
      const s = await signup(env.http.withHeaders({ 'x-forwarded-for': '198.51.100.8' }));
      const logins: number[] = [];
      let refreshToken = s.refreshToken;
      for (let i = 0; i < 5; i++)
        logins.push((await env.http.post('/auth/v1/login', { email: s.email, password: s.password }, { headers: ip })).status);
      expect(logins).toEqual([200, 200, 200, 200, 429]);
      const refreshes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await env.http.post('/auth/v1/refresh', { refreshToken }, { headers: ip });
        refreshes.push(r.status);
        if (r.status === 200) refreshToken = r.body.data.refreshToken;
      }
      expect(refreshes).toEqual([200, 200, 200, 429]);
    });
  });

  describe('failed logins per IP', () => {
    let env: AuthTestEnv;
    beforeAll(async () => {
      env = await startAuth({ LOGIN_IP_MAX_FAILURES: '3/1m' });
    });
    afterAll(async () => {
      await env?.close();
    });

    it('stops an IP that keeps failing across many accounts', async () => {
      const ip = { 'x-forwarded-for': '192.0.2.44' };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await env.http.post('/auth/v1/login', { email: uniqueEmail(), password: 'guess guess' }, { headers: ip })).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      const s = await signup(env.http);
      expect((await login(env.http, s.email, s.password)).status).toBe(200);
    });
  });
});
