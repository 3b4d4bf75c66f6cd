import { freePort, startNodeProcess, type NodeProcess } from '#testing';
import { ISSUER, AUDIENCE, INTERNAL_KEY, type NotifyTestEnv } from './notify-test-env.js';

export type ServiceProcess = NodeProcess;

/** notify-svc's own environment for a child process on the test's database and JWKS. */
function serviceEnv(env: NotifyTestEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    NOTIFY_DATABASE_URL: env.db.url,
    AUTH_JWKS_URL: env.jwks.url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_INTROSPECTION_URL: env.introspection.url,
    INTERNAL_API_KEYS: INTERNAL_KEY,
    DB_POOL_SIZE: '5',
    ...extra,
  };
}

const start = (file: string, env: NodeJS.ProcessEnv, ready: RegExp) => startNodeProcess(`apps/notify-svc/src/${file}`, env, ready, 40_000); // a loaded 2-core machine starts a worker in ~2 s, sometimes 20+

/** A separate worker process (`npm run start:worker`) on the test's database. */
export function startWorkerProcess(env: NotifyTestEnv, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  return start('worker.js', serviceEnv(env, { LOG_LEVEL: 'info', ...extra }), /delivery workers started/);
}

/** A notify-svc API process (workers off unless asked) on a free port: one process (NOTIFY_PROCESSES=1), the one a case kills or signals. */
export async function startApiProcess(env: NotifyTestEnv, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const p = await start(
    'main.js',
    serviceEnv(env, {
      NOTIFY_PORT: String(port),
      NOTIFY_PROCESSES: '1',
      HOST: '127.0.0.1',
      WORKERS_ENABLED: 'false',
      LOG_LEVEL: 'info',
      ...extra,
    }),
    /listening on/,
  );
  p.url = `http://127.0.0.1:${port}`;
  return p;
}
