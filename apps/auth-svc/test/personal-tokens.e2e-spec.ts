import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, signup, startAuth, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';
import { db, flushUsage, inSeconds, introspect, isActive, sleepPast } from './support/credentials-test-kit.js';

const DAY = 86_400;

describe('personal access tokens', () => {
  let env: AuthTestEnv;
  let owner: SignedUp;

  beforeAll(async () => {
    env = await startAuth({ PAT_MAX_TTL_DAYS: '30' });
    owner = await signup(env.http);
  });
  afterAll(async () => {
    await env?.close();
  });

  const create = (body: Record<string, unknown>, token = owner.accessToken) => env.http.post('/auth/v1/tokens', body, { token });

  describe('POST /auth/v1/tokens', () => {
    it('creates pat_<id>_<secret>, shown once, that acts as its user through Authorization: Bearer', async () => {
      const res = await create({ name: 'deploy script', expiresAt: inSeconds(7 * DAY) });
      expect(res.status).toBe(201);
      const d = res.body.data;
      expect(d.token).toMatch(/^pat_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
      expect(d).toMatchObject({ name: 'deploy script', roles: null, lastUsedAt: null, expired: false });

      const me = await env.http.get('/auth/v1/me', { token: d.token });
      expect(me.status).toBe(200);
      expect(me.body.data.id).toBe(owner.userId);
      expect(me.body.meta.tenant_id).toBe(owner.tenantId);

      const answer = await introspect(env.http, d.token, { form: true });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        active: true,
        token_type: 'personal_token',
        sub: owner.userId,
        tenantId: owner.tenantId,
        roles: expect.arrayContaining(['admin', 'organizer', 'user']),
        exp: Math.floor(new Date(d.expiresAt).getTime() / 1000),
        iat: expect.any(Number),
        client_id: d.id,
        planTier: 'free',
        email: owner.email,
      });
    });

    it('acts with the subset of roles chosen at creation', async () => {
      const limited = await create({ name: 'read only', expiresAt: inSeconds(DAY), roles: ['user'] });
      expect(limited.status).toBe(201);
      expect(limited.body.data.roles).toEqual(['user']);
      expect((await env.http.get('/auth/v1/users', { token: limited.body.data.token })).status).toBe(403);
      const full = await create({ name: 'admin script', expiresAt: inSeconds(DAY) });
      expect((await env.http.get('/auth/v1/users', { token: full.body.data.token })).status).toBe(200);
      expect((await introspect(env.http, limited.body.data.token)).body.roles).toEqual(['user']);
    });

    it('requires an expiry in the future and within PAT_MAX_TTL_DAYS (422), and valid fields (400)', async () => {
      const missing = await create({ name: 'forever' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details.map((d: { field: string }) => d.field)).toContain('expiresAt');
      const past = await create({ name: 'past', expiresAt: inSeconds(-60) });
      expect(past.status).toBe(422);
      expect(past.body.error.code).toBe('UNPROCESSABLE');
      const tooFar = await create({ name: 'too far', expiresAt: inSeconds(31 * DAY) });
      expect(tooFar.status).toBe(422);
      expect(tooFar.body.error.message).toContain('30 days');
      for (const body of [
        { name: '', expiresAt: inSeconds(DAY) },
        { name: 'x', expiresAt: 'next week' },
        { name: 'x', expiresAt: inSeconds(DAY), roles: ['superuser'] },
        { name: 'x', expiresAt: inSeconds(DAY), roles: [] },
        { name: 'x', expiresAt: inSeconds(DAY), userId: owner.userId },
      ]) {
        const res = await create(body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('never grants roles the user does not hold (403), and is minted from a login, not from another token (403)', async () => {
      const member = await addMember(env.http, owner.accessToken, ['user']);
      const beyond = await create({ name: 'escalate', expiresAt: inSeconds(DAY), roles: ['admin'] }, member.accessToken);
      expect(beyond.status).toBe(403);
      expect(beyond.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN', details: { roles: ['admin'] } } });
      const pat = await create({ name: 'member pat', expiresAt: inSeconds(DAY) }, member.accessToken);
      expect(pat.status).toBe(201);
      const chained = await create({ name: 'from a pat', expiresAt: inSeconds(DAY) }, pat.body.data.token);
      expect(chained.status).toBe(403);
      expect((await env.http.post('/auth/v1/tokens', { name: 'x', expiresAt: inSeconds(DAY) })).status).toBe(401);
    });
  });

  describe('lifecycle', () => {
    it('works until revoked; introspection says active: false right after', async () => {
      const { body } = await create({ name: 'revocable', expiresAt: inSeconds(DAY) });
      const token = body.data.token as string;
      expect(await isActive(env.http, token)).toBe(true);
      const res = await env.http.delete(`/auth/v1/tokens/${body.data.id}`, { token: owner.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id: body.data.id, revokedAt: expect.any(String) });
      expect((await introspect(env.http, token)).body).toEqual({ active: false });
      const me = await env.http.get('/auth/v1/me', { token });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('UNAUTHORIZED');
      expect((await env.http.delete(`/auth/v1/tokens/${body.data.id}`, { token: owner.accessToken })).status).toBe(404);
    });

    it('an expired token is inactive and refused', async () => {
      const { body } = await create({ name: 'brief', expiresAt: inSeconds(2) });
      expect(await isActive(env.http, body.data.token)).toBe(true);
      await sleepPast(body.data.expiresAt);
      expect(await isActive(env.http, body.data.token)).toBe(false);
      expect((await env.http.get('/auth/v1/me', { token: body.data.token })).status).toBe(401);
      const list = await env.http.get('/auth/v1/tokens?limit=100', { token: owner.accessToken });
      expect(list.body.data.find((t: { id: string }) => t.id === body.data.id)).toMatchObject({ expired: true });
    });

    it('rotation issues a successor and revokes the old token', async () => {
      const { body } = await create({ name: 'rotating', expiresAt: inSeconds(10 * DAY) });
      const res = await env.http.post(`/auth/v1/tokens/${body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(res.status).toBe(200);
      const successor = res.body.data;
      expect(successor.id).not.toBe(body.data.id);
      expect(successor.name).toBe('rotating');
      // Same lifetime as the original, counted from now.
      const lifetime = new Date(successor.expiresAt).getTime() - Date.now();
      expect(Math.abs(lifetime - 10 * DAY * 1000)).toBeLessThan(60_000);
      expect(await isActive(env.http, body.data.token)).toBe(false);
      expect(await isActive(env.http, successor.token)).toBe(true);
      expect((await env.http.post(`/auth/v1/tokens/${body.data.id}/rotate`, {}, { token: owner.accessToken })).status).toBe(404);

      const chosen = await env.http.post(
        `/auth/v1/tokens/${successor.id}/rotate`,
        { expiresAt: inSeconds(2 * DAY) },
        { token: successor.token },
      );
      expect(chosen.status).toBe(200);
      expect(Math.abs(new Date(chosen.body.data.expiresAt).getTime() - Date.now() - 2 * DAY * 1000)).toBeLessThan(60_000);
      const tooFar = await env.http.post(
        `/auth/v1/tokens/${chosen.body.data.id}/rotate`,
        { expiresAt: inSeconds(90 * DAY) },
        { token: owner.accessToken },
      );
      expect(tooFar.status).toBe(422);
      expect(await isActive(env.http, chosen.body.data.token)).toBe(true);
      const badBody = await env.http.post(`/auth/v1/tokens/${chosen.body.data.id}/rotate`, { expiresAt: 5 }, { token: owner.accessToken });
      expect(badBody.status).toBe(400);
    });

    it('rotating an expired token is a 409', async () => {
      const { body } = await create({ name: 'stale', expiresAt: inSeconds(DAY) });
      await db(env.t).query(`UPDATE personal_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [body.data.id]);
      const res = await env.http.post(`/auth/v1/tokens/${body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
    });

    it("lists only the caller's own live tokens, and another user's token is 404", async () => {
      const member = await addMember(env.http, owner.accessToken, ['user', 'organizer']);
      const mine = await create({ name: 'member token', expiresAt: inSeconds(DAY) }, member.accessToken);
      const list = await env.http.get('/auth/v1/tokens', { token: member.accessToken });
      expect(list.status).toBe(200);
      expect(list.body.data.map((t: { id: string }) => t.id)).toEqual([mine.body.data.id]);
      expect(list.body.data[0]).not.toHaveProperty('token');
      expect(list.body.page).toMatchObject({ has_more: false });
      expect((await env.http.delete(`/auth/v1/tokens/${mine.body.data.id}`, { token: owner.accessToken })).status).toBe(404);
      expect((await env.http.post(`/auth/v1/tokens/${mine.body.data.id}/rotate`, {}, { token: owner.accessToken })).status).toBe(404);
      expect(await isActive(env.http, mine.body.data.token)).toBe(true);
      expect((await env.http.get('/auth/v1/tokens?limit=0', { token: member.accessToken })).status).toBe(400);
      expect((await env.http.delete('/auth/v1/tokens/x', { token: member.accessToken })).status).toBe(404);
    });

    it("deactivating the user disables all of their tokens; roles removed later leave the token's answer too", async () => {
      const member = await addMember(env.http, owner.accessToken, ['user', 'organizer']);
      const a = await create({ name: 'a', expiresAt: inSeconds(DAY) }, member.accessToken);
      const b = await create({ name: 'b', expiresAt: inSeconds(DAY), roles: ['organizer'] }, member.accessToken);
      expect(await isActive(env.http, a.body.data.token)).toBe(true);

      const demote = await env.http.patch(`/auth/v1/users/${member.id}`, { roles: ['user'] }, { token: owner.accessToken });
      expect(demote.status).toBe(200);
      expect((await introspect(env.http, b.body.data.token)).body.roles).toEqual([]);
      expect((await introspect(env.http, a.body.data.token)).body.roles).toEqual(['user']);

      const off = await env.http.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: owner.accessToken });
      expect(off.status).toBe(200);
      expect(await isActive(env.http, a.body.data.token)).toBe(false);
      expect(await isActive(env.http, b.body.data.token)).toBe(false);
      expect((await env.http.get('/auth/v1/me', { token: a.body.data.token })).status).toBe(401);
    });

    it('records lastUsedAt in batches', async () => {
      const { body } = await create({ name: 'used', expiresAt: inSeconds(DAY) });
      expect((await env.http.get('/auth/v1/me', { token: body.data.token })).status).toBe(200);
      await flushUsage(env.t);
      const list = await env.http.get('/auth/v1/tokens?limit=100', { token: owner.accessToken });
      const listed = list.body.data.find((t: { id: string }) => t.id === body.data.id);
      expect(new Date(listed.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    });

    it('leaves an audit trail of creation, rotation and revocation', async () => {
      const { body } = await create({ name: 'audited', expiresAt: inSeconds(DAY) });
      const rotated = await env.http.post(`/auth/v1/tokens/${body.data.id}/rotate`, {}, { token: owner.accessToken });
      await env.http.delete(`/auth/v1/tokens/${rotated.body.data.id}`, { token: owner.accessToken });
      const events = async (type: string) =>
        (await env.http.get(`/auth/v1/audit-events?type=${type}&limit=100`, { token: owner.accessToken })).body.data as Array<{
          details: Record<string, unknown>;
          actorUserId?: string;
        }>;
      expect((await events('personal_token.created')).some((e) => e.details.tokenId === body.data.id)).toBe(true);
      expect(
        (await events('personal_token.rotated')).some(
          (e) => e.details.tokenId === body.data.id && e.details.successorId === rotated.body.data.id,
        ),
      ).toBe(true);
      expect((await events('personal_token.revoked')).some((e) => e.details.tokenId === rotated.body.data.id)).toBe(true);
    });

    it('API keys cannot manage personal tokens (403)', async () => {
      const key = await env.http.post('/auth/v1/api-keys', { name: 'k' }, { token: owner.accessToken });
      const res = await env.http.get('/auth/v1/tokens', { headers: { 'x-api-key': key.body.data.key } });
      expect(res.status).toBe(403);
    });
  });
});
