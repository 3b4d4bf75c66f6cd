import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '#testing';
import { INTERNAL_KEY, NotifyTestEnv, queryOnce, type TestTenant } from './support/notify-test-env.js';

/**
 * A production login: neither superuser nor BYPASSRLS, owner of its database, granted the
 * maintenance role by an operator (README: "otherwise grant one to the service login"). Other suites
 * log in as the test superuser, which bypasses every grant.
 */
describe('notify-svc on a database login that is neither superuser nor BYPASSRLS', () => {
  let db: TestDatabase;
  let env: NotifyTestEnv;
  let a: TestTenant;
  const login = `notify_login_${randomBytes(4).toString('hex')}`;
  const asSuperuser = (sql: string, params: unknown[] = []) => queryOnce(db.url, sql, params);

  beforeAll(async () => {
    db = await createTestDatabase('notify_login');
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    await asSuperuser(`CREATE ROLE ${login} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD 'login-pw'`);
    await asSuperuser(`ALTER DATABASE ${database} OWNER TO ${login}`);
    // What an operator does once per cluster when the service login may not create roles.
    await asSuperuser(`DO $$ BEGIN
        CREATE ROLE notify_maintenance NOLOGIN NOSUPERUSER BYPASSRLS;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await asSuperuser(`GRANT notify_maintenance TO ${login}`);
    url.username = login;
    url.password = 'login-pw';
    env = await NotifyTestEnv.start({ NOTIFY_DATABASE_URL: url.toString() });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await db?.drop();
    await asSuperuser(`DROP ROLE IF EXISTS ${login}`).catch(() => undefined);
  });

  it('accepts deliveries under row-level security, and the repair and the queue gauges (maintenance) reach the queue', async () => {
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: `l-${randomUUID()}@example.com` }, subject: 'S', body: 'B' },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    const id = res.body.data.id as string;
    // Its job lost, and untouched for two minutes: the repair (run as notify_maintenance) adds it again.
    await asSuperuser(`DELETE FROM graphile_worker._private_jobs WHERE key = $1`, [id]);
    await asSuperuser(`UPDATE deliveries SET updated_at = now() - interval '2 minutes' WHERE id = $1`, [id]);
    const repair = await env.http.post('/notify/v1/jobs/dispatch-scheduled', {}, { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    expect(repair.status).toBe(200);
    expect(repair.body.data.dispatched).toBeGreaterThanOrEqual(1);
    expect(await asSuperuser(`SELECT key FROM graphile_worker._private_jobs WHERE key = $1`, [id])).toEqual([{ key: id }]);
    const metrics = await env.http.get('/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } });
    expect(metrics.text).toMatch(/^notify_queue_jobs\{state="ready",service="notify-svc"\} [1-9]/m);
  });
});
