/**
 * `npm run migrate` / `node dist/scripts/migrate.js [auth] [notify]`: applies the pending schema
 * migrations of the services and exits, so a deployment can migrate once per release (the Helm
 * chart's pre-install/pre-upgrade Job) and run its pods with `MIGRATIONS_RUN=false`.
 *
 * auth: the TypeORM migrations of auth-svc on `AUTH_DATABASE_URL`. notify: those of notify-svc on
 * `NOTIFY_DATABASE_URL`, then graphile-worker's queue schema. Without arguments: every service
 * whose URL is set. Each runs under the same advisory lock the services take at start, so a Job and
 * a pod that still migrates at start never apply a migration twice.
 */
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ensureDatabase, redactUrl, runMigrationsLocked, typeOrmOptions } from '#common';
import { authMigrations } from '../apps/auth-svc/src/database/migrations/index.js';
import { notifyMigrations } from '../apps/notify-svc/src/database/migrations/index.js';
import { installQueueSchema } from '../apps/notify-svc/src/jobs/job-queue.js';

export type MigrationTarget = 'auth' | 'notify';

/** Applies one service's pending migrations; answers the names of the migrations it applied. */
export async function migrate(target: MigrationTarget, url: string): Promise<string[]> {
  await ensureDatabase(url).catch(() => undefined); // no CREATEDB right: the database must exist
  const ds = await new DataSource(
    typeOrmOptions({
      url,
      poolSize: 2,
      entities: [],
      migrations: target === 'auth' ? authMigrations : notifyMigrations,
      applicationName: `${target}-svc:migrate`,
    }),
  ).initialize();
  try {
    const [{ exists }] = (await ds.query("SELECT to_regclass('migrations') IS NOT NULL AS exists")) as { exists: boolean }[];
    const before = new Set<string>(
      exists ? ((await ds.query('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name) : [],
    );
    await runMigrationsLocked(ds);
    const after = (await ds.query('SELECT name FROM migrations ORDER BY id')) as { name: string }[];
    if (target === 'notify') await installQueueSchema(url);
    return after.map((r) => r.name).filter((n) => !before.has(n));
  } finally {
    await ds.destroy();
  }
}

const URL_VARIABLE: Record<MigrationTarget, string> = { auth: 'AUTH_DATABASE_URL', notify: 'NOTIFY_DATABASE_URL' };

async function main(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  for (const a of args) {
    if (a !== 'auth' && a !== 'notify') {
      console.error(`migrate: unknown target "${a}" (auth, notify)`);
      return 2;
    }
  }
  const targets = (args.length ? args : (['auth', 'notify'] as const).filter((t) => env[URL_VARIABLE[t]])) as MigrationTarget[];
  if (!targets.length) {
    console.error('migrate: set AUTH_DATABASE_URL and/or NOTIFY_DATABASE_URL');
    return 2;
  }
  for (const t of targets) {
    const url = env[URL_VARIABLE[t]];
    if (!url) {
      console.error(`migrate: ${URL_VARIABLE[t]} is not set`);
      return 2;
    }
    const applied = await migrate(t, url);
    console.log(`migrate: ${t} on ${redactUrl(url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  Logger.overrideLogger(['log', 'warn', 'error', 'fatal']); // graphile-worker's step-by-step lines are debug
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`migrate: failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
