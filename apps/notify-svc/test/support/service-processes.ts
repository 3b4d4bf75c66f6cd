import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { ISSUER, AUDIENCE, INTERNAL_KEY, type NotifyTestEnv } from './notify-test-env.js';

const DIST = path.resolve(import.meta.dirname, '../../../../dist/apps/notify-svc/src');

export interface ServiceProcess {
  proc: ChildProcess;
  url?: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

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

function start(file: string, env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 20_000): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, [path.join(DIST, file)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const handle: ServiceProcess = {
    proc,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** A separate worker process (`npm run start:worker`) on the test's database. */
export function startWorkerProcess(env: NotifyTestEnv, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  return start('worker.js', serviceEnv(env, { LOG_LEVEL: 'info', ...extra }), /delivery workers started/);
}

/** A notify-svc API process (workers off unless asked) on a free port. */
export async function startApiProcess(env: NotifyTestEnv, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const p = await start(
    'main.js',
    serviceEnv(env, { NOTIFY_PORT: String(port), HOST: '127.0.0.1', WORKERS_ENABLED: 'false', LOG_LEVEL: 'info', ...extra }),
    /listening on/,
  );
  p.url = `http://127.0.0.1:${port}`;
  return p;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
