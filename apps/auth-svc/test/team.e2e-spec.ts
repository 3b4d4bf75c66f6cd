import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, login, signup, startAuth, uniqueEmail, type AuthTestEnv } from './support/auth-test-kit.js';

describe('team management, tenant and audit trail', () => {
  let env: AuthTestEnv;

  beforeAll(async () => {
    env = await startAuth();
  });
  afterAll(async () => {
    await env?.close();
  });

  describe('POST /auth/v1/users', () => {
    it('lets an admin add a user with roles and an initial password', async () => {
      const admin = await signup(env.http);
      const email = uniqueEmail('new');
      const res = await env.http.post(
        '/auth/v1/users',
        { email: email.toUpperCase(), password: 'initial password', roles: ['user', 'organizer'], firstName: 'Dorothy' },
        { token: admin.accessToken },
      );
      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        id: expect.any(String),
        email,
        tenantId: admin.tenantId,
        roles: ['user', 'organizer'],
        isActive: true,
      });
      const session = await login(env.http, email, 'initial password');
      expect(session.status).toBe(200);
      expect(session.body.data.user.tenantId).toBe(admin.tenantId);
    });

    it('answers 409 for a taken email, 400 for bad roles or passwords, 403 for non-admins and 401 without a token', async () => {
      const admin = await signup(env.http);
      const taken = await env.http.post(
        '/auth/v1/users',
        { email: admin.email, password: 'initial password' },
        { token: admin.accessToken },
      );
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('CONFLICT');
      const badRole = await env.http.post(
        '/auth/v1/users',
        { email: uniqueEmail(), password: 'initial password', roles: ['root'] },
        { token: admin.accessToken },
      );
      expect(badRole.status).toBe(400);
      expect(badRole.body.error.details[0].field).toBe('roles');
      const noRoles = await env.http.post(
        '/auth/v1/users',
        { email: uniqueEmail(), password: 'initial password', roles: [] },
        { token: admin.accessToken },
      );
      expect(noRoles.status).toBe(400);
      const weak = await env.http.post('/auth/v1/users', { email: uniqueEmail(), password: 'short' }, { token: admin.accessToken });
      expect(weak.status).toBe(400);
      const organizer = await addMember(env.http, admin.accessToken, ['user', 'organizer']);
      const forbidden = await env.http.post(
        '/auth/v1/users',
        { email: uniqueEmail(), password: 'initial password' },
        { token: organizer.accessToken },
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('FORBIDDEN');
      expect((await env.http.post('/auth/v1/users', { email: uniqueEmail(), password: 'initial password' })).status).toBe(401);
    });
  });

  describe('GET /auth/v1/users', () => {
    it('lists only the caller’s tenant, cursor paginated', async () => {
      const admin = await signup(env.http);
      for (let i = 0; i < 3; i++) await addMember(env.http, admin.accessToken);
      const other = await signup(env.http);
      await addMember(env.http, other.accessToken);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = await env.http.get(`/auth/v1/users${q}`, { token: admin.accessToken });
        expect(page.status).toBe(200);
        expect(page.body.page.limit).toBe(2);
        for (const u of page.body.data) {
          expect(u.tenantId).toBe(admin.tenantId);
          seen.push(u.id);
        }
        cursor = page.body.page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(4);
      expect(new Set(seen).size).toBe(4);
      expect(seen[0]).toBe(admin.userId);
      const badCursor = await env.http.get('/auth/v1/users?cursor=%%%', { token: admin.accessToken });
      expect(badCursor.status).toBe(400);
      const badLimit = await env.http.get('/auth/v1/users?limit=1000', { token: admin.accessToken });
      expect(badLimit.status).toBe(400);
    });

    it('is for admins only', async () => {
      const admin = await signup(env.http);
      const member = await addMember(env.http, admin.accessToken, ['user']);
      expect((await env.http.get('/auth/v1/users', { token: member.accessToken })).status).toBe(403);
    });
  });

  describe('PATCH /auth/v1/users/:id', () => {
    it('changes roles (audited) and the new roles show in the user’s next tokens', async () => {
      const admin = await signup(env.http);
      const member = await addMember(env.http, admin.accessToken, ['user']);
      const res = await env.http.patch(`/auth/v1/users/${member.id}`, { roles: ['user', 'organizer'] }, { token: admin.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data.roles).toEqual(['user', 'organizer']);
      const refreshed = await env.http.post('/auth/v1/refresh', { refreshToken: member.refreshToken });
      const claims = JSON.parse(Buffer.from(refreshed.body.data.accessToken.split('.')[1], 'base64url').toString());
      expect(claims.roles).toEqual(['user', 'organizer']);
      const events = await env.http.get('/auth/v1/audit-events?type=user.roles_changed', { token: admin.accessToken });
      expect(events.body.data[0]).toMatchObject({
        actorUserId: admin.userId,
        targetUserId: member.id,
        details: { from: ['user'], to: ['user', 'organizer'] },
      });
    });

    it('answers 404 for a user of another tenant (and changes nothing), 400 for a bad id or body', async () => {
      const admin = await signup(env.http);
      const stranger = await signup(env.http);
      const res = await env.http.patch(`/auth/v1/users/${stranger.userId}`, { isActive: false }, { token: admin.accessToken });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect((await env.http.get('/auth/v1/me', { token: stranger.accessToken })).body.data.isActive).toBe(true);
      expect((await env.http.patch('/auth/v1/users/123', { isActive: false }, { token: admin.accessToken })).status).toBe(400);
      const badBody = await env.http.patch(`/auth/v1/users/${admin.userId}`, { isActive: 'no' }, { token: admin.accessToken });
      expect(badBody.status).toBe(400);
      expect(badBody.body.error.details[0].field).toBe('isActive');
    });

    it('is for admins only (403) and needs a credential (401)', async () => {
      const admin = await signup(env.http);
      const organizer = await addMember(env.http, admin.accessToken, ['user', 'organizer']);
      const res = await env.http.patch(
        `/auth/v1/users/${organizer.id}`,
        { roles: ['user', 'organizer', 'admin'] },
        { token: organizer.accessToken },
      );
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect((await env.http.patch(`/auth/v1/users/${organizer.id}`, { isActive: false })).status).toBe(401);
    });

    it('never leaves a tenant without an active admin: no self-demotion (403), and of two admins demoting each other one wins', async () => {
      const admin = await signup(env.http);
      // Nobody changes their own roles or active flag (issue 24): the sole admin's self-demotion is refused before the 409 rule.
      const demote = await env.http.patch(`/auth/v1/users/${admin.userId}`, { roles: ['user'] }, { token: admin.accessToken });
      expect(demote.status).toBe(403);
      expect(demote.body.error.code).toBe('FORBIDDEN');
      const deactivate = await env.http.patch(`/auth/v1/users/${admin.userId}`, { isActive: false }, { token: admin.accessToken });
      expect(deactivate.status).toBe(403);

      const second = await addMember(env.http, admin.accessToken, ['user', 'admin']);
      // Two admins demoting each other at once: the tenant lock lets only one through, and the other
      // is then checked as it is now (no longer an admin): 403, and the tenant keeps its admin.
      const [a, b] = await Promise.all([
        env.http.patch(`/auth/v1/users/${second.id}`, { roles: ['user'] }, { token: admin.accessToken }),
        env.http.patch(`/auth/v1/users/${admin.userId}`, { roles: ['user'] }, { token: second.accessToken }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 403]);
      const list = await env.http.get('/auth/v1/users', { token: a.status === 200 ? admin.accessToken : second.accessToken });
      expect(list.body.data.filter((u: { roles: string[] }) => u.roles.includes('admin'))).toHaveLength(1);
    });

    it('deactivation ends the user’s sessions and is audited; reactivation lets them log in again', async () => {
      const admin = await signup(env.http);
      const member = await addMember(env.http, admin.accessToken);
      const off = await env.http.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: admin.accessToken });
      expect(off.body.data.isActive).toBe(false);
      expect((await env.http.post('/auth/v1/refresh', { refreshToken: member.refreshToken })).status).toBe(401);
      expect((await login(env.http, member.email, member.password)).status).toBe(401);
      const on = await env.http.patch(`/auth/v1/users/${member.id}`, { isActive: true }, { token: admin.accessToken });
      expect(on.body.data.isActive).toBe(true);
      expect((await login(env.http, member.email, member.password)).status).toBe(200);
      const events = await env.http.get('/auth/v1/audit-events?type=user.deactivated', { token: admin.accessToken });
      expect(events.body.data[0]).toMatchObject({ targetUserId: member.id, details: { sessionsEnded: 1 } });
    });
  });

  describe('credentials that act for a tenant, not a user', () => {
    it('an API key cannot call the user routes (403), though it authenticates', async () => {
      const admin = await signup(env.http);
      const created = await env.http.post(
        '/auth/v1/api-keys',
        { name: 'ci', scopes: ['notifications:send'] },
        { token: admin.accessToken },
      );
      expect(created.status).toBe(201);
      const apiKey = { 'x-api-key': created.body.data.key };
      const me = await env.http.get('/auth/v1/me', { headers: apiKey });
      expect(me.status).toBe(403);
      expect(me.body.error.code).toBe('FORBIDDEN');
      expect((await env.http.get('/auth/v1/users', { headers: apiKey })).status).toBe(403);
      expect((await env.http.get('/auth/v1/sessions', { headers: apiKey })).status).toBe(403);
    });
  });

  describe('GET /auth/v1/tenant', () => {
    it('returns the caller’s tenant with its plan tier, to every member', async () => {
      const admin = await signup(env.http, { companyName: 'Babbage & Co' });
      const member = await addMember(env.http, admin.accessToken);
      const res = await env.http.get('/auth/v1/tenant', { token: member.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id: admin.tenantId, name: 'Babbage & Co', planTier: 'free' });
      expect((await env.http.get('/auth/v1/tenant')).status).toBe(401);
    });
  });

  describe('GET /auth/v1/audit-events', () => {
    it('records security events with who, when, IP and request id, newest first, for the tenant’s admins only', async () => {
      const admin = await signup(env.http);
      await env.http.post(
        '/auth/v1/login',
        { email: admin.email, password: 'wrong password' },
        { headers: { 'x-request-id': 'req-failed-login-1' } },
      );
      await login(env.http, admin.email, admin.password);
      const res = await env.http.get('/auth/v1/audit-events', { token: admin.accessToken });
      expect(res.status).toBe(200);
      const types = res.body.data.map((e: { type: string }) => e.type);
      expect(types).toEqual(['login.succeeded', 'login.failed', 'signup']);
      const failed = res.body.data[1];
      expect(failed).toMatchObject({
        targetUserId: admin.userId,
        ip: '127.0.0.1',
        requestId: 'req-failed-login-1',
        details: { reason: 'wrong_password' },
      });
      expect(Date.parse(failed.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(res.body.data[2]).toMatchObject({ actorUserId: admin.userId });

      const page1 = await env.http.get('/auth/v1/audit-events?limit=2', { token: admin.accessToken });
      expect(page1.body.page.has_more).toBe(true);
      const page2 = await env.http.get(`/auth/v1/audit-events?limit=2&cursor=${page1.body.page.next_cursor}`, { token: admin.accessToken });
      expect(page2.body.data.map((e: { type: string }) => e.type)).toEqual(['signup']);

      const stranger = await signup(env.http);
      const theirs = await env.http.get('/auth/v1/audit-events', { token: stranger.accessToken });
      expect(theirs.body.data.map((e: { type: string }) => e.type)).toEqual(['signup']);
      const member = await addMember(env.http, admin.accessToken);
      expect((await env.http.get('/auth/v1/audit-events', { token: member.accessToken })).status).toBe(403);
      expect((await env.http.get('/auth/v1/audit-events?type=DROP TABLE', { token: admin.accessToken })).status).toBe(400);
      expect((await env.http.get('/auth/v1/audit-events')).status).toBe(401);
    });
  });
});
