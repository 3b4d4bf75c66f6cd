import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import pg from 'pg';
import { KeyRotationScheduler } from '../src/keys/key-rotation.scheduler.js';
import { INTERNAL_KEY, decodeHeader, signup, sleep, startAuth, type AuthTestEnv } from './support/auth-test-kit.js';

const rotate = (env: AuthTestEnv, headers: Record<string, string> = { 'x-internal-api-key': INTERNAL_KEY }) =>
  env.http.post('/auth/v1/admin/keys/rotate', undefined, { headers });
const jwksOf = async (env: AuthTestEnv): Promise<JSONWebKeySet> => (await env.http.get('/.well-known/jwks.json')).body;
const kidsOf = async (env: AuthTestEnv) => (await jwksOf(env)).keys.map((k) => k.kid);

async function sql<T = any>(env: AuthTestEnv, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.db.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('signing keys: JWKS, discovery, rotation', () => {
  let env: AuthTestEnv;

  beforeAll(async () => {
    env = await startAuth();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('publishes the public keys as a plain, cacheable JWKS: the active key first, then the next one (never a private part)', async () => {
    const res = await env.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-type')).toContain('json');
    expect(res.body).not.toHaveProperty('data');
    expect(res.body.keys).toHaveLength(2);
    const s = await signup(env.http);
    expect(res.body.keys[0].kid).toBe(decodeHeader(s.accessToken).kid);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), e: 'AQAB' });
      expect(Buffer.from(key.n, 'base64url').length).toBeGreaterThanOrEqual(256);
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(priv);
    }
  });

  it('serves an OpenID discovery document pointing at the JWKS', async () => {
    const res = await env.http.get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      issuer: 'http://auth.test',
      jwks_uri: 'http://auth.test/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('keeps private keys only encrypted in the database', async () => {
    const rows = await sql(env, 'SELECT kid, private_key_encrypted, public_key_pem FROM signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const blob: Buffer = row.private_key_encrypted;
      expect(blob.toString('latin1')).not.toContain('PRIVATE KEY');
      // A PKCS#8 DER key starts with a SEQUENCE (0x30 0x82); the stored blob is iv|tag|ciphertext.
      expect(blob.length).toBeGreaterThan(28 + 1000);
      expect(row.public_key_pem).toContain('PUBLIC KEY');
    }
  });

  it('rotation needs the internal key: 401 without it, with a wrong one, or with a user’s token', async () => {
    const s = await signup(env.http);
    const none = await rotate(env, {});
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
    expect((await rotate(env, { 'x-internal-api-key': 'wrong' })).status).toBe(401);
    const before = await kidsOf(env);
    expect((await rotate(env, { authorization: `Bearer ${s.accessToken}` })).status).toBe(401);
    expect(await kidsOf(env)).toEqual(before);
  });

  it('after rotation old tokens still verify, new tokens carry the new (pre-published) kid, and old refresh tokens still work', async () => {
    const before = await signup(env.http);
    const oldKid = decodeHeader(before.accessToken).kid;
    const [, prepublished] = await kidsOf(env);
    const res = await rotate(env);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ kid: expect.any(String), retiredKid: oldKid, retiredKeyPublishedUntil: expect.any(String) });
    const newKid = res.body.data.kid;
    expect(newKid).not.toBe(oldKid);
    // The key that now signs was in the JWKS before the rotation, so cached key sets already hold it.
    expect(newKid).toBe(prepublished);
    const kids = await kidsOf(env);
    expect(kids).toHaveLength(3);
    expect(kids[0]).toBe(newKid);
    expect(kids).toContain(oldKid);

    const jwks = createRemoteJWKSet(new URL(`${env.t.baseUrl}/.well-known/jwks.json`));
    await expect(
      jwtVerify(before.accessToken, jwks, { issuer: 'http://auth.test', audience: 'notify-platform-test' }),
    ).resolves.toBeDefined();
    expect((await env.http.get('/auth/v1/me', { token: before.accessToken })).status).toBe(200);

    const after = await signup(env.http);
    expect(decodeHeader(after.accessToken).kid).toBe(newKid);
    await expect(
      jwtVerify(after.accessToken, jwks, { issuer: 'http://auth.test', audience: 'notify-platform-test' }),
    ).resolves.toBeDefined();

    const refreshed = await env.http.post('/auth/v1/refresh', { refreshToken: before.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(decodeHeader(refreshed.body.data.accessToken).kid).toBe(newKid);
  });

  it('rotates automatically once the active key is older than KEY_ROTATION_DAYS', async () => {
    const activeBefore = (await sql(env, `SELECT kid FROM signing_keys WHERE status = 'active'`))[0].kid;
    await env.t.app.get(KeyRotationScheduler).check();
    expect((await sql(env, `SELECT kid FROM signing_keys WHERE status = 'active'`))[0].kid).toBe(activeBefore);

    await sql(env, `UPDATE signing_keys SET activated_at = now() - interval '31 days' WHERE status = 'active'`);
    await env.t.app.get(KeyRotationScheduler).check();
    const activeAfter = (await sql(env, `SELECT kid FROM signing_keys WHERE status = 'active'`))[0].kid;
    expect(activeAfter).not.toBe(activeBefore);
    expect(await kidsOf(env)).toContain(activeAfter);
    const s = await signup(env.http);
    expect(decodeHeader(s.accessToken).kid).toBe(activeAfter);
    // The promoted key was created long before it began to sign; the clock starts at activation.
    await env.t.app.get(KeyRotationScheduler).check();
    expect((await sql(env, `SELECT kid FROM signing_keys WHERE status = 'active'`))[0].kid).toBe(activeAfter);
    const audit = await sql(env, `SELECT details FROM audit_events WHERE type = 'key.rotated' ORDER BY created_at DESC LIMIT 1`);
    expect(audit[0].details).toMatchObject({ kid: activeAfter, retiredKid: activeBefore, trigger: 'schedule' });
  });

  describe('several instances on one database', () => {
    let a: AuthTestEnv;
    let b: AuthTestEnv;
    beforeAll(async () => {
      a = await startAuth({ KEY_CACHE_REFRESH: '1' });
      b = await startAuth({ KEY_CACHE_REFRESH: '1' }, a.db);
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('agree on the active key, see each other’s rotations, and rotate only once when both find the key due', async () => {
      expect(await kidsOf(b)).toEqual(await kidsOf(a));
      const rotated = (await rotate(a)).body.data.kid;
      // b accepts a token of the new key at once (an unknown kid makes it reload) ...
      const s = await signup(a.http);
      expect(decodeHeader(s.accessToken).kid).toBe(rotated);
      expect((await b.http.get('/auth/v1/me', { token: s.accessToken })).status).toBe(200);
      // ... and signs with it after its next reload.
      await sleep(1300);
      expect(decodeHeader((await signup(b.http)).accessToken).kid).toBe(rotated);
      expect((await jwksOf(b)).keys[0]!.kid).toBe(rotated);

      const retiredBefore = (await sql(a, `SELECT kid FROM signing_keys WHERE status = 'retired'`)).length;
      await sql(a, `UPDATE signing_keys SET activated_at = now() - interval '31 days' WHERE status = 'active'`);
      await Promise.all([a.t.app.get(KeyRotationScheduler).check(), b.t.app.get(KeyRotationScheduler).check()]);
      const keys = await sql(a, `SELECT kid, status FROM signing_keys`);
      expect(keys.filter((k) => k.status === 'active')).toHaveLength(1);
      expect(keys.filter((k) => k.status === 'next')).toHaveLength(1);
      expect(keys.filter((k) => k.status === 'retired')).toHaveLength(retiredBefore + 1);
    });

    it('refuse to start with a KEY_ENCRYPTION_KEY that did not encrypt the stored keys', async () => {
      await expect(startAuth({ KEY_ENCRYPTION_KEY: 'ab'.repeat(32) }, a.db)).rejects.toThrow(/KEY_ENCRYPTION_KEY/);
    });
  });

  describe('retired keys leave the JWKS once their tokens have expired', () => {
    let short: AuthTestEnv;
    beforeAll(async () => {
      short = await startAuth({ ACCESS_TOKEN_TTL: '1', REFRESH_TOKEN_TTL: '2', REFRESH_TOKEN_MAX_AGE: '2', KEY_CACHE_REFRESH: '1' });
    });
    afterAll(async () => {
      await short?.close();
    });

    it('publishes a retired key for max(access, refresh lifetime) + one cache period, then drops it', async () => {
      const s = await signup(short.http);
      const oldKid = decodeHeader(s.accessToken).kid;
      const res = await rotate(short);
      const until = Date.parse(res.body.data.retiredKeyPublishedUntil);
      expect(until - Date.now()).toBeGreaterThan(2000);
      expect(until - Date.now()).toBeLessThanOrEqual(3000);
      const snapshot = await jwksOf(short);
      expect(snapshot.keys.map((k) => k.kid)).toContain(oldKid);
      await sleep(until - Date.now() + 200);
      const later = await kidsOf(short);
      expect(later).not.toContain(oldKid);
      expect(later).toHaveLength(2);
      expect(later[0]).toBe(res.body.data.kid);
      // A client holding the fresh JWKS can no longer verify anything signed with the retired key.
      await expect(jwtVerify(s.accessToken, createLocalJWKSet(await jwksOf(short)))).rejects.toThrow();
    });
  });
});
