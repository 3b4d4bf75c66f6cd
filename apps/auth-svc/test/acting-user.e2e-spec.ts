import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { HttpClient } from '#testing';
import { buildGateway } from '../../gateway/src/gateway.js';
import { addMember, signup, sleep, startAuth, uniqueEmail, type AuthTestEnv, type SignedUp } from './support/auth-test-kit.js';

/**
 * Issue 24 item 2: a deactivated admin cannot undo its deactivation. Every write of auth-svc checks
 * the caller's current state in the database inside its transaction (not a cache), and nobody
 * changes their own active flag or roles. Run directly and through the gateway.
 */
let env: AuthTestEnv;
let gateway: FastifyInstance;
let sql: pg.Client;

beforeAll(async () => {
  env = await startAuth();
  gateway = await buildGateway({ AUTH_UPSTREAM_URL: env.t.baseUrl, NOTIFY_UPSTREAM_URL: 'http://127.0.0.1:9' });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  sql = new pg.Client({ connectionString: env.db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await gateway?.close();
  await env?.close();
});

const count = async (query: string, params: unknown[]) => Number((await sql.query(query, params)).rows[0].n);

describe.each([
  ['directly', () => env.http],
  ['through the gateway', () => new HttpClient(`http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`)],
])('the acting user %s', (_where, client) => {
  let http: HttpClient;
  let owner: SignedUp;
  beforeAll(async () => {
    http = client();
    owner = await signup(env.http);
  });

  it('nobody changes their own active flag or roles (403 in the envelope, nothing changed)', async () => {
    const admin = await addMember(http, owner.accessToken, ['user', 'admin']);
    for (const body of [{ isActive: false }, { isActive: true }, { roles: ['user'] }, { roles: ['user', 'organizer', 'admin'] }]) {
      const res = await http.patch(`/auth/v1/users/${admin.id}`, body, { token: admin.accessToken });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
    }
    const row = (await sql.query('SELECT is_active, roles FROM users WHERE id = $1', [admin.id])).rows[0];
    expect(row).toEqual({ is_active: true, roles: ['user', 'admin'] });
  });

  it('an admin re-activating itself every 200 ms stays deactivated once another admin deactivates it', async () => {
    const rogue = await addMember(http, owner.accessToken, ['user', 'admin']);
    const answers: number[] = [];
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        answers.push((await http.patch(`/auth/v1/users/${rogue.id}`, { isActive: true }, { token: rogue.accessToken })).status);
        await sleep(200);
      }
    })();
    await sleep(450);
    const off = await http.patch(`/auth/v1/users/${rogue.id}`, { isActive: false }, { token: owner.accessToken });
    expect(off.status).toBe(200);
    await sleep(1500);
    stop = true;
    await loop;
    expect(answers.length).toBeGreaterThanOrEqual(5);
    expect(answers.every((s) => s === 403 || s === 401)).toBe(true);
    expect(answers.at(-1)).toBe(401); // after the deactivation its token is refused outright
    const row = (await sql.query('SELECT is_active FROM users WHERE id = $1', [rogue.id])).rows[0];
    expect(row.is_active).toBe(false);
    const listed = await http.get('/auth/v1/users?limit=100', { token: owner.accessToken });
    expect(listed.body.data.find((u: { id: string }) => u.id === rogue.id).isActive).toBe(false);
  });

  it('right after its deactivation an admin creates no admin, API key or personal token', async () => {
    const rogue = await addMember(http, owner.accessToken, ['user', 'admin']);
    const off = await http.patch(`/auth/v1/users/${rogue.id}`, { isActive: false }, { token: owner.accessToken });
    expect(off.status).toBe(200);
    const email = uniqueEmail('accomplice');
    const [user, key, pat] = await Promise.all([
      http.post('/auth/v1/users', { email, password: 'accomplice password 1', roles: ['user', 'admin'] }, { token: rogue.accessToken }),
      http.post('/auth/v1/api-keys', { name: 'backdoor', scopes: ['admin'] }, { token: rogue.accessToken }),
      http.post(
        '/auth/v1/tokens',
        { name: 'backdoor', expiresAt: new Date(Date.now() + 864e5).toISOString() },
        { token: rogue.accessToken },
      ),
    ]);
    for (const res of [user, key, pat]) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
    }
    expect(await count('SELECT count(*) AS n FROM users WHERE email = $1', [email])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM api_keys WHERE created_by = $1', [rogue.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM personal_tokens WHERE user_id = $1', [rogue.id])).toBe(0);
  });

  it('the write checks the database, not the revocation list: a deactivation this instance has not heard of yet still refuses', async () => {
    // As if another instance committed it and its NOTIFY were still on the way: a plain UPDATE, no event.
    const rogue = await addMember(http, owner.accessToken, ['user', 'admin']);
    await sql.query('UPDATE users SET is_active = false WHERE id = $1', [rogue.id]);
    const email = uniqueEmail('accomplice');
    const writes = await Promise.all([
      http.post('/auth/v1/users', { email, password: 'accomplice password 1', roles: ['admin'] }, { token: rogue.accessToken }),
      http.post('/auth/v1/api-keys', { name: 'backdoor', scopes: ['admin'] }, { token: rogue.accessToken }),
      http.post(
        '/auth/v1/tokens',
        { name: 'backdoor', expiresAt: new Date(Date.now() + 864e5).toISOString() },
        { token: rogue.accessToken },
      ),
      http.patch(`/auth/v1/users/${owner.userId}`, { isActive: false }, { token: rogue.accessToken }),
      http.patch('/auth/v1/me', { name: 'still here' }, { token: rogue.accessToken }),
    ]);
    expect(writes.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(await count('SELECT count(*) AS n FROM users WHERE email = $1', [email])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM api_keys WHERE created_by = $1', [rogue.id])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM users WHERE id = $1 AND is_active', [owner.userId])).toBe(1);
  });

  it('a demotion this instance has not heard of yet: admin writes are 403 at once', async () => {
    const demoted = await addMember(http, owner.accessToken, ['user', 'admin']);
    await sql.query(`UPDATE users SET roles = '{user}' WHERE id = $1`, [demoted.id]);
    const email = uniqueEmail('accomplice');
    const [user, key, deactivate] = await Promise.all([
      http.post('/auth/v1/users', { email, password: 'accomplice password 1', roles: ['admin'] }, { token: demoted.accessToken }),
      http.post('/auth/v1/api-keys', { name: 'backdoor', scopes: ['admin'] }, { token: demoted.accessToken }),
      http.patch(`/auth/v1/users/${owner.userId}`, { isActive: false }, { token: demoted.accessToken }),
    ]);
    for (const res of [user, key, deactivate]) expect(res.body).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
    expect(await count('SELECT count(*) AS n FROM users WHERE email = $1', [email])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM api_keys WHERE created_by = $1', [demoted.id])).toBe(0);
  });
});
