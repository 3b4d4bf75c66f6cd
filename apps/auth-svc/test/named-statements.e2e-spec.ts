import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { UnitOfWork } from '../src/database/unit-of-work.js';
import { login, signup, startAuth, type AuthTestEnv } from './support/auth-test-kit.js';

/** auth-svc's hot statements (a refresh's rotation, a login's checks) are named: planned once per connection, not at every call. */
describe('named prepared statements (auth-svc Tx)', () => {
  let env: AuthTestEnv;
  let uow: UnitOfWork;

  beforeAll(async () => {
    env = await startAuth();
    uow = env.t.app.get(UnitOfWork);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('a named statement in a transaction is prepared on its connection and keeps one generic plan', async () => {
    const plans = await uow.run(async (tx) => {
      for (let i = 0; i < 8; i++) {
        const [row] = await tx.rows<{ v: number }>('SELECT $1::int + 1 AS v', [i], 'test_named_in_tx');
        expect(row!.v).toBe(i + 1);
      }
      return tx.one<{ generic: string; custom: string }>(
        'SELECT generic_plans::text AS generic, custom_plans::text AS custom FROM pg_prepared_statements WHERE name = $1',
        ['test_named_in_tx'],
      );
    });
    expect(plans).toBeDefined();
    expect(Number(plans!.generic) + Number(plans!.custom)).toBe(8);
    expect(Number(plans!.generic)).toBeGreaterThan(0);
  });

  it('outside a transaction it runs on a pooled connection and gives it back; a failure is reported as TypeORM reports it', async () => {
    for (let i = 0; i < 20; i++)
      expect((await uow.db.one<{ v: string }>('SELECT $1::text AS v', [`x${i}`], 'test_named_pool'))!.v).toBe(`x${i}`);
    const failed = await uow.db.rows('SELECT 1 / $1::int AS v', [0], 'test_named_fails').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(QueryFailedError);
    expect((failed as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22012');
    // The pool still serves (every connection was released).
    expect((await uow.db.one<{ v: number }>('SELECT 2 AS v'))!.v).toBe(2);
  });

  it('refresh and login still work through the named statements, and a reused refresh token is still refused', async () => {
    const s = await signup(env.http);
    let refreshToken = s.refreshToken;
    for (let i = 0; i < 7; i++) {
      const res = await env.http.post('/auth/v1/refresh', { refreshToken });
      expect(res.status).toBe(200);
      refreshToken = res.body.data.refreshToken;
    }
    const again = await login(env.http, s.email, s.password);
    expect(again.status).toBe(200);
    expect(again.body.data.accessToken).toEqual(expect.any(String));
    const reused = await env.http.post('/auth/v1/refresh', { refreshToken: s.refreshToken });
    expect(reused.status).toBe(401);
  });
});
