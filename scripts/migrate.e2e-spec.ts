import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '#testing';

const run = promisify(execFile);

/** The command of the Helm chart's migration Job: `node dist/scripts/migrate.js` (built by the global setup). */
describe('migrate script (the chart migration Job)', () => {
  let auth: TestDatabase;
  let notify: TestDatabase;

  beforeAll(async () => {
    auth = await createTestDatabase('mig_auth');
    notify = await createTestDatabase('mig_notify');
  });
  afterAll(async () => {
    await auth?.drop();
    await notify?.drop();
  });

  const migrate = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ['dist/scripts/migrate.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const query = async (url: string, sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };

  it('applies both services migrations and the queue schema once, then finds them up to date', async () => {
    const env = { AUTH_DATABASE_URL: auth.url, NOTIFY_DATABASE_URL: notify.url };
    const first = await migrate([], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/migrate: auth on .*: applied /);
    expect(first.stdout).toMatch(/migrate: notify on .*: applied /);
    expect(first.stdout + first.stderr).not.toContain('query failed'); // no error logged on a fresh database
    expect(first.stdout).not.toContain(`:${new URL(auth.url).password}@`); // URLs are redacted
    const authApplied = await query(auth.url, 'SELECT count(*)::int AS n FROM migrations');
    const notifyApplied = await query(notify.url, 'SELECT count(*)::int AS n FROM migrations');
    expect(authApplied[0].n).toBeGreaterThan(0);
    expect(notifyApplied[0].n).toBeGreaterThan(0);
    expect(await query(notify.url, 'SELECT count(*)::int AS n FROM graphile_worker.jobs')).toEqual([{ n: 0 }]);

    const again = await migrate(['notify', 'auth'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('notify on');
    expect(again.stdout.match(/up to date/g)).toHaveLength(2);
    expect(await query(auth.url, 'SELECT count(*)::int AS n FROM migrations')).toEqual(authApplied);
  });

  it('refuses an unknown target and a missing URL with exit code 2, touching nothing', async () => {
    const bad = await migrate(['billing'], { AUTH_DATABASE_URL: auth.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown target "billing"');
    const missing = await migrate(['notify'], { AUTH_DATABASE_URL: auth.url });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('NOTIFY_DATABASE_URL is not set');
    const none = await migrate([], {});
    expect(none.code).toBe(2);
  });
});
