import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, signup, startAuth, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';
import { db, flushUsage, inSeconds, introspect, isActive, sleepPast } from './support/credentials-test-kit.js';

describe('API keys', () => {
  let env: AuthTestEnv;
  let owner: SignedUp;

  beforeAll(async () => {
    env = await startAuth();
    owner = await signup(env.http);
  });
  afterAll(async () => {
    await env?.close();
  });

  const create = (body: Record<string, unknown>, token = owner.accessToken) => env.http.post('/auth/v1/api-keys', body, { token });

  describe('POST /auth/v1/api-keys', () => {
    it('creates a key shown once as nk_<id>_<secret>, stored only as a hash', async () => {
      const res = await create({ name: '  Production server  ', scopes: ['notifications:send'] });
      expect(res.status).toBe(201);
      expect(res.body.error).toBeNull();
      const d = res.body.data;
      expect(d.key).toMatch(/^nk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
      expect(d.key.startsWith(`nk_${d.id}_`)).toBe(true);
      expect(d).toMatchObject({
        name: 'Production server',
        scopes: ['notifications:send'],
        createdBy: owner.userId,
        expiresAt: null,
        lastUsedAt: null,
      });
      const [row] = await db(env.t).query('SELECT secret_hash FROM api_keys WHERE id = $1', [d.id]);
      const stored = JSON.stringify(await db(env.t).query('SELECT * FROM api_keys WHERE id = $1', [d.id]));
      // The secret is everything after `nk_<id>_`: base64url, so it may hold '_' itself.
      const secret = d.key.slice(`nk_${d.id}_`.length);
      expect(secret).toHaveLength(43);
      expect(stored).not.toContain(secret);
      expect(row.secret_hash).toHaveLength(32);
      expect(res.body.meta.tenant_id).toBe(owner.tenantId);
    });

    it('gives send and read by default and never more than the creator could', async () => {
      const dflt = await create({ name: 'default scopes' });
      expect(dflt.status).toBe(201);
      expect(dflt.body.data.scopes).toEqual(['notifications:send', 'notifications:read']);

      const organizer = await addMember(env.http, owner.accessToken, ['organizer']);
      const ok = await create({ name: 'organizer key', scopes: ['templates:write', 'notifications:send'] }, organizer.accessToken);
      expect(ok.status).toBe(201);
      const tooMuch = await create({ name: 'organizer admin key', scopes: ['admin'] }, organizer.accessToken);
      expect(tooMuch.status).toBe(403);
      expect(tooMuch.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN', details: { scopes: ['admin'] } } });
      const adminKey = await create({ name: 'admin key', scopes: ['admin'] });
      expect(adminKey.status).toBe(201);
    });

    it('is for admins and organizers only (403), and needs a credential (401)', async () => {
      const member = await addMember(env.http, owner.accessToken, ['user']);
      const res = await create({ name: 'member key' }, member.accessToken);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      const anonymous = await env.http.post('/auth/v1/api-keys', { name: 'x' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
    });

    it('refuses bad input with 400 naming the field, and a past expiry with 422', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{}, 'name'],
        [{ name: '   ' }, 'name'],
        [{ name: 'x'.repeat(101) }, 'name'],
        [{ name: 'k', scopes: ['notifications:delete'] }, 'scopes'],
        [{ name: 'k', scopes: 'admin' }, 'scopes'],
        [{ name: 'k', scopes: ['admin', 'admin'] }, 'scopes'],
        [{ name: 'k', expiresAt: 'tomorrow' }, 'expiresAt'],
        [{ name: 'k', tenantId: owner.tenantId }, 'tenantId'],
      ];
      for (const [body, field] of cases) {
        const res = await create(body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      const past = await create({ name: 'k', expiresAt: new Date(Date.now() - 60_000).toISOString() });
      expect(past.status).toBe(422);
      expect(past.body).toMatchObject({ data: null, error: { code: 'UNPROCESSABLE' } });
      const empty = await create({ name: 'k', scopes: [] });
      expect(empty.status).toBe(400);
      const count = await db(env.t).query(`SELECT count(*)::int AS n FROM api_keys WHERE name = 'k'`);
      expect(count[0].n).toBe(0);
    });
  });

  describe('using, listing and revoking', () => {
    it('works until revoked; introspection says active: false right after', async () => {
      const { body } = await create({ name: 'revocable', scopes: ['notifications:send', 'notifications:read'] });
      const key = body.data.key as string;
      const res = await introspect(env.http, key);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        active: true,
        token_type: 'api_key',
        sub: body.data.id,
        tenantId: owner.tenantId,
        roles: [],
        scope: 'notifications:send notifications:read',
        iat: expect.any(Number),
        client_id: body.data.id,
        planTier: 'free',
      });
      expect(res.body).not.toHaveProperty('exp');
      // auth-svc's own routes accept it as a credential: authenticated (not 401), but this route is for users.
      const asKey = await env.http.get('/auth/v1/api-keys', { headers: { 'x-api-key': key } });
      expect(asKey.status).toBe(403);

      const revoked = await env.http.delete(`/auth/v1/api-keys/${body.data.id}`, { token: owner.accessToken });
      expect(revoked.status).toBe(200);
      expect(revoked.body.data).toMatchObject({ id: body.data.id, revokedAt: expect.any(String) });
      expect((await introspect(env.http, key)).body).toEqual({ active: false });
      const afterRevoke = await env.http.get('/auth/v1/api-keys', { headers: { 'x-api-key': key } });
      expect(afterRevoke.status).toBe(401);
      const again = await env.http.delete(`/auth/v1/api-keys/${body.data.id}`, { token: owner.accessToken });
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe('NOT_FOUND');
    });

    it('a key with notifications:read does not carry notifications:send', async () => {
      const { body } = await create({ name: 'reader', scopes: ['notifications:read'] });
      const answer = (await introspect(env.http, body.data.key)).body;
      expect(answer.active).toBe(true);
      expect(answer.scope.split(' ')).toEqual(['notifications:read']);
      expect(answer.scope.split(' ')).not.toContain('notifications:send');
    });

    it('stops at expiresAt', async () => {
      const { body } = await create({ name: 'short-lived', expiresAt: inSeconds(2.5) });
      expect(body.data.expiresAt).not.toBeNull();
      const first = await introspect(env.http, body.data.key);
      expect(first.body).toMatchObject({ active: true, exp: Math.floor(new Date(body.data.expiresAt).getTime() / 1000) });
      await sleepPast(body.data.expiresAt);
      expect(await isActive(env.http, body.data.key)).toBe(false);
    });

    it('is inactive with a wrong secret, a mangled id or garbage', async () => {
      const { body } = await create({ name: 'probe' });
      const key = body.data.key as string;
      const wrongSecret = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const wrongId = `nk_${'Z'.repeat(12)}_${key.split('_').slice(2).join('_')}`;
      for (const token of [wrongSecret, wrongId, 'nk_abc', 'garbage', key + 'x']) {
        expect((await introspect(env.http, token)).body).toEqual({ active: false });
      }
    });

    it('records lastUsedAt in batches, not with a write per request', async () => {
      const { body } = await create({ name: 'busy' });
      for (let i = 0; i < 5; i++) expect(await isActive(env.http, body.data.key)).toBe(true);
      const before = await db(env.t).query('SELECT last_used_at FROM api_keys WHERE id = $1', [body.data.id]);
      expect(before[0].last_used_at).toBeNull();
      await flushUsage(env.t);
      const list = await env.http.get('/auth/v1/api-keys?limit=100', { token: owner.accessToken });
      const listed = list.body.data.find((k: { id: string }) => k.id === body.data.id);
      expect(new Date(listed.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    });

    it('lists the tenant’s live keys without secrets, paginated, and never another tenant’s', async () => {
      const other = await signup(env.http);
      const foreign = await create({ name: 'foreign' }, other.accessToken);
      const page1 = await env.http.get('/auth/v1/api-keys?limit=2', { token: owner.accessToken });
      expect(page1.status).toBe(200);
      expect(page1.body.data).toHaveLength(2);
      expect(page1.body.page).toMatchObject({ has_more: true, limit: 2 });
      const all: Array<Record<string, unknown>> = [...page1.body.data];
      let cursor = page1.body.page.next_cursor;
      while (cursor) {
        const next = await env.http.get(`/auth/v1/api-keys?limit=2&cursor=${cursor}`, { token: owner.accessToken });
        all.push(...next.body.data);
        cursor = next.body.page.next_cursor;
      }
      expect(new Set(all.map((k) => k.id)).size).toBe(all.length);
      expect(all.map((k) => k.id)).not.toContain(foreign.body.data.id);
      for (const k of all) {
        expect(k).not.toHaveProperty('key');
        expect(k).not.toHaveProperty('secretHash');
        expect(k).toHaveProperty('lastUsedAt');
        expect(k).toHaveProperty('expiresAt');
        expect(k).toHaveProperty('createdBy');
        expect(k.prefix).toBe(`nk_${k.id}_`);
      }
      const bad = await env.http.get('/auth/v1/api-keys?cursor=!!!', { token: owner.accessToken });
      expect(bad.status).toBe(400);
      const badLimit = await env.http.get('/auth/v1/api-keys?limit=1000', { token: owner.accessToken });
      expect(badLimit.status).toBe(400);

      // Another tenant's key is not found, and stays active.
      const del = await env.http.delete(`/auth/v1/api-keys/${foreign.body.data.id}`, { token: owner.accessToken });
      expect(del.status).toBe(404);
      const rot = await env.http.post(`/auth/v1/api-keys/${foreign.body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(rot.status).toBe(404);
      expect(await isActive(env.http, foreign.body.data.key)).toBe(true);
      expect((await env.http.delete('/auth/v1/api-keys/not-an-id', { token: owner.accessToken })).status).toBe(404);
    });
  });

  it('leaves an audit trail of creation, rotation and revocation', async () => {
    const { body } = await create({ name: 'audited', scopes: ['notifications:read'] });
    await env.http.post(`/auth/v1/api-keys/${body.data.id}/rotate`, { overlapSeconds: 60 }, { token: owner.accessToken });
    await env.http.delete(`/auth/v1/api-keys/${body.data.id}`, { token: owner.accessToken });
    for (const [type, details] of [
      ['api_key.created', { keyId: body.data.id, name: 'audited', scopes: ['notifications:read'] }],
      ['api_key.rotated', { keyId: body.data.id, overlapSeconds: 60 }],
      ['api_key.revoked', { keyId: body.data.id }],
    ] as const) {
      const res = await env.http.get(`/auth/v1/audit-events?type=${type}&limit=100`, { token: owner.accessToken });
      expect(res.status).toBe(200);
      const event = res.body.data.find((e: { details: { keyId?: string } }) => e.details.keyId === body.data.id);
      expect(event).toMatchObject({ type, details });
      expect(JSON.stringify(event)).not.toContain(body.data.key);
    }
  });

  describe('POST /auth/v1/api-keys/:id/rotate', () => {
    it('issues a new secret for the same id; the old one works during the overlap only', async () => {
      const { body } = await create({ name: 'rotating' });
      const oldKey = body.data.key as string;
      const res = await env.http.post(`/auth/v1/api-keys/${body.data.id}/rotate`, { overlapSeconds: 2 }, { token: owner.accessToken });
      expect(res.status).toBe(200);
      const newKey = res.body.data.key as string;
      expect(newKey.startsWith(`nk_${body.data.id}_`)).toBe(true);
      expect(newKey).not.toBe(oldKey);
      expect(res.body.data.previousSecretExpiresAt).not.toBeNull();
      expect(await isActive(env.http, newKey)).toBe(true);
      const during = await introspect(env.http, oldKey);
      expect(during.body.active).toBe(true);
      expect(during.body.exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
      await sleepPast(res.body.data.previousSecretExpiresAt);
      expect(await isActive(env.http, oldKey)).toBe(false);
      expect(await isActive(env.http, newKey)).toBe(true);
    });

    it('without an overlap the old secret stops at once', async () => {
      const { body } = await create({ name: 'hard rotation' });
      const res = await env.http.post(`/auth/v1/api-keys/${body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data.previousSecretExpiresAt).toBeNull();
      expect(await isActive(env.http, body.data.key)).toBe(false);
      expect(await isActive(env.http, res.body.data.key)).toBe(true);
    });

    it('refuses an overlap beyond 24 h (400), a revoked key (404), an expired key (409) and a key beyond the caller (403)', async () => {
      const { body } = await create({ name: 'strict' });
      const long = await env.http.post(
        `/auth/v1/api-keys/${body.data.id}/rotate`,
        { overlapSeconds: 86_401 },
        { token: owner.accessToken },
      );
      expect(long.status).toBe(400);
      expect(long.body.error.details[0].field).toBe('overlapSeconds');
      expect(await isActive(env.http, body.data.key)).toBe(true);

      const expiring = await create({ name: 'expired soon', expiresAt: inSeconds(60) });
      await db(env.t).query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.body.data.id]);
      const expired = await env.http.post(`/auth/v1/api-keys/${expiring.body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(expired.status).toBe(409);
      expect(expired.body.error.code).toBe('CONFLICT');

      await env.http.delete(`/auth/v1/api-keys/${body.data.id}`, { token: owner.accessToken });
      const gone = await env.http.post(`/auth/v1/api-keys/${body.data.id}/rotate`, {}, { token: owner.accessToken });
      expect(gone.status).toBe(404);

      const adminKey = await create({ name: 'admin scoped', scopes: ['admin'] });
      const organizer = await addMember(env.http, owner.accessToken, ['organizer']);
      const denied = await env.http.post(`/auth/v1/api-keys/${adminKey.body.data.id}/rotate`, {}, { token: organizer.accessToken });
      expect(denied.status).toBe(403);
      expect(await isActive(env.http, adminKey.body.data.key)).toBe(true);
    });
  });
});

describe('API keys across two auth-svc instances on one database', () => {
  let a: AuthTestEnv;
  let b: AuthTestEnv;
  let owner: SignedUp;

  beforeAll(async () => {
    a = await startAuth({ API_KEY_CACHE_TTL: '1s' });
    b = await startAuth({ API_KEY_CACHE_TTL: '1s' }, a.db);
    owner = await signup(a.http);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a secret rotated on one instance works on the other at once; a revocation reaches it within API_KEY_CACHE_TTL', async () => {
    const created = await a.http.post('/auth/v1/api-keys', { name: 'shared' }, { token: owner.accessToken });
    const oldKey = created.body.data.key as string;
    expect(await isActive(b.http, oldKey)).toBe(true); // now cached on b

    const rotated = await a.http.post(`/auth/v1/api-keys/${created.body.data.id}/rotate`, {}, { token: owner.accessToken });
    const newKey = rotated.body.data.key as string;
    expect(await isActive(b.http, newKey)).toBe(true);

    await a.http.delete(`/auth/v1/api-keys/${created.body.data.id}`, { token: owner.accessToken });
    expect(await isActive(a.http, newKey)).toBe(false);
    await sleepPast(new Date(Date.now() + 1000).toISOString());
    expect(await isActive(b.http, newKey)).toBe(false);
  });
});
