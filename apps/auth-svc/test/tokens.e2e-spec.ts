import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { SessionSweeper } from '../src/sessions/session-sweeper.js';
import { addMember, decodePayload, login, signup, sleep, startAuth, type AuthTestEnv } from './support/auth-test-kit.js';

describe('tokens: RS256 access and refresh tokens, sessions', () => {
  let env: AuthTestEnv;

  beforeAll(async () => {
    env = await startAuth();
  });
  afterAll(async () => {
    await env?.close();
  });

  const refresh = (refreshToken: string) => env.http.post('/auth/v1/refresh', { refreshToken });

  it('issues an access token an independent client verifies against the running JWKS', async () => {
    const s = await signup(env.http);
    const jwks = createRemoteJWKSet(new URL(`${env.t.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(s.accessToken, jwks, {
      issuer: 'http://auth.test',
      audience: 'notify-platform-test',
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({
      iss: 'http://auth.test',
      aud: 'notify-platform-test',
      sub: s.userId,
      tenantId: s.tenantId,
      email: s.email,
      planTier: 'free',
    });
    expect([...(payload.roles as string[])].sort()).toEqual(['admin', 'organizer', 'user']);
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.exp! - payload.iat!).toBe(s.expiresIn);
    expect(s.expiresIn).toBe(900);
  });

  it('issues refresh tokens as refresh+jwt bound to a session, signed by the same key set', async () => {
    const s = await signup(env.http);
    const jwks = createRemoteJWKSet(new URL(`${env.t.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(s.refreshToken, jwks, { typ: 'refresh+jwt', audience: 'notify-platform-test' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: s.userId, tenantId: s.tenantId, sid: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(7 * 86400);
  });

  it('refresh returns a new pair and retires the old refresh token (single use)', async () => {
    const s = await signup(env.http);
    const first = await refresh(s.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const next = first.body.data;
    expect(next.refreshToken).not.toBe(s.refreshToken);
    expect(decodePayload(next.refreshToken).sid).toBe(decodePayload(s.refreshToken).sid);
    expect((await env.http.get('/auth/v1/me', { token: next.accessToken })).status).toBe(200);
    expect((await refresh(next.refreshToken)).status).toBe(200);
  });

  it('a reused refresh token revokes the whole session: the newer token fails too, and it is audited', async () => {
    const s = await signup(env.http);
    const rotated = (await refresh(s.refreshToken)).body.data;
    const replay = await refresh(s.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
    const legit = await refresh(rotated.refreshToken);
    expect(legit.status).toBe(401);
    // The session's access token is refused at once too; the audit trail is read from a new login.
    expect((await env.http.get('/auth/v1/me', { token: s.accessToken })).status).toBe(401);
    const fresh = (await login(env.http, s.email, s.password)).body.data.accessToken;
    const events = await env.http.get('/auth/v1/audit-events?type=refresh.reuse_detected', { token: fresh });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0]).toMatchObject({
      targetUserId: s.userId,
      ip: '127.0.0.1',
      details: { sessionId: decodePayload(s.refreshToken).sid },
    });
  });

  it('of concurrent refreshes with one token exactly one succeeds', async () => {
    const s = await signup(env.http);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(s.refreshToken)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 401)).toHaveLength(7);
  });

  it('never accepts an access token as a refresh token', async () => {
    const s = await signup(env.http);
    const res = await refresh(s.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('refuses forged, tampered and malformed refresh tokens with 401, and a missing one with 400', async () => {
    const s = await signup(env.http);
    const [h, p, sig] = s.refreshToken.split('.');
    const claims = decodePayload(s.refreshToken);
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-0000-0000-000000000000' })).toString('base64url')}.${sig}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'refresh+jwt' })).toString('base64url')}.${p}.`;
    for (const token of [tampered, none, 'garbage', `${h}.${p}.${'A'.repeat(342)}`]) {
      const res = await refresh(token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    const missing = await env.http.post('/auth/v1/refresh', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    // The original is untouched by all of that.
    expect((await refresh(s.refreshToken)).status).toBe(200);
  });

  it('stores refresh tokens only as hashes: a database dump holds no usable token', async () => {
    const s = await signup(env.http);
    const client = new pg.Client({ connectionString: env.db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT * FROM sessions WHERE user_id = $1', [s.userId]);
      const dump = JSON.stringify(rows);
      const claims = decodePayload(s.refreshToken);
      expect(dump).not.toContain(s.refreshToken.split('.')[2]);
      expect(dump).not.toContain(claims.jti);
      expect(rows[0].current_token_hash).toHaveLength(32);
      const keys = await client.query('SELECT * FROM signing_keys');
      expect(JSON.stringify(keys.rows)).not.toContain('PRIVATE KEY');
    } finally {
      await client.end();
    }
  });

  it('logout ends the session of the refresh token; logging out twice is harmless', async () => {
    const s = await signup(env.http);
    const out = await env.http.post('/auth/v1/logout', { refreshToken: s.refreshToken });
    expect(out.status).toBe(204);
    expect((await refresh(s.refreshToken)).status).toBe(401);
    expect((await env.http.post('/auth/v1/logout', { refreshToken: s.refreshToken })).status).toBe(204);
    expect((await env.http.post('/auth/v1/logout', { refreshToken: 'nope' })).status).toBe(401);
    expect((await env.http.post('/auth/v1/logout', { token: 'x' })).status).toBe(400);
  });

  it('lists the caller’s live sessions and ends one by id', async () => {
    const s = await signup(env.http);
    const second = (
      await env.http.post('/auth/v1/login', { email: s.email, password: s.password }, { headers: { 'user-agent': 'phone-app/2.0' } })
    ).body.data;
    const list = await env.http.get('/auth/v1/sessions', { token: s.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.page).toMatchObject({ has_more: false, limit: 20 });
    const mine = decodePayload(s.refreshToken).sid;
    const other = list.body.data.find((x: { id: string }) => x.id !== mine);
    expect(other).toMatchObject({ userAgent: 'phone-app/2.0', ip: '127.0.0.1', current: false, method: 'password' });
    expect(list.body.data.find((x: { id: string }) => x.id === mine).current).toBe(true);
    expect(other.id).toBe(decodePayload(second.refreshToken).sid);

    const del = await env.http.delete(`/auth/v1/sessions/${other.id}`, { token: s.accessToken });
    expect(del.status).toBe(204);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await env.http.get('/auth/v1/sessions', { token: s.accessToken })).body.data).toHaveLength(1);
    // Ended already, someone else's, or not an id at all.
    expect((await env.http.delete(`/auth/v1/sessions/${other.id}`, { token: s.accessToken })).status).toBe(404);
    const stranger = await signup(env.http);
    const foreign = await env.http.delete(`/auth/v1/sessions/${mine}`, { token: stranger.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    const bad = await env.http.delete('/auth/v1/sessions/not-a-uuid', { token: s.accessToken });
    expect(bad.status).toBe(400);
    expect((await env.http.get('/auth/v1/sessions')).status).toBe(401);
  });

  it('a deactivated user’s refresh token fails at once', async () => {
    const s = await signup(env.http);
    const member = await addMember(env.http, s.accessToken);
    expect((await refresh(member.refreshToken)).status).toBe(200);
    const again = (await login(env.http, member.email, member.password)).body.data;
    const off = await env.http.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: s.accessToken });
    expect(off.status).toBe(200);
    const res = await refresh(again.refreshToken);
    expect(res.status).toBe(401);
    expect((await login(env.http, member.email, member.password)).status).toBe(401);
  });

  it('sweeps sessions that can never be used again, and only those', async () => {
    const s = await signup(env.http);
    const ended = (await login(env.http, s.email, s.password)).body.data;
    const client = new pg.Client({ connectionString: env.db.url });
    await client.connect();
    try {
      await client.query(`UPDATE sessions SET revoked_at = now() - interval '8 days' WHERE id = $1`, [
        decodePayload(ended.refreshToken).sid,
      ]);
      expect(await env.t.app.get(SessionSweeper).sweep()).toBeGreaterThanOrEqual(1);
      const { rows } = await client.query('SELECT id FROM sessions WHERE user_id = $1', [s.userId]);
      expect(rows.map((r) => r.id)).toEqual([decodePayload(s.refreshToken).sid]);
    } finally {
      await client.end();
    }
    expect((await refresh(s.refreshToken)).status).toBe(200);
  });

  describe('lifetimes', () => {
    let short: AuthTestEnv;
    beforeAll(async () => {
      short = await startAuth({ ACCESS_TOKEN_TTL: '1', REFRESH_TOKEN_TTL: '3', REFRESH_TOKEN_MAX_AGE: '4', KEY_ROTATION_DAYS: '0' });
    });
    afterAll(async () => {
      await short?.close();
    });

    it('slides within REFRESH_TOKEN_TTL, never past REFRESH_TOKEN_MAX_AGE; an expired refresh token is 401 TOKEN_EXPIRED', async () => {
      const s = await signup(short.http);
      expect(s.expiresIn).toBe(1);
      const p = decodePayload(s.accessToken);
      expect(p.exp - p.iat).toBe(1);
      // Sliding: refreshing inside the window keeps the session going...
      await sleep(1200);
      const r1 = await short.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
      expect(r1.status).toBe(200);
      // ...but never past REFRESH_TOKEN_MAX_AGE: the new refresh token expires with the session.
      const r1p = decodePayload(r1.body.data.refreshToken);
      expect(r1p.exp).toBeLessThanOrEqual(decodePayload(s.refreshToken).iat + 4);
      await sleep(r1p.exp * 1000 - Date.now() + 100);
      const expired = await short.http.post('/auth/v1/refresh', { refreshToken: r1.body.data.refreshToken });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
    });
  });

  describe('reuse grace period', () => {
    let graceful: AuthTestEnv;
    beforeAll(async () => {
      graceful = await startAuth({ REFRESH_REUSE_GRACE_SECONDS: '5' });
    });
    afterAll(async () => {
      await graceful?.close();
    });

    it('lets a retrying client present the token it just replaced, without ending the session', async () => {
      const s = await signup(graceful.http);
      const first = await graceful.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
      const retry = await graceful.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
      expect(first.status).toBe(200);
      expect(retry.status).toBe(200);
      expect((await graceful.http.post('/auth/v1/refresh', { refreshToken: retry.body.data.refreshToken })).status).toBe(200);
    });
  });
});
