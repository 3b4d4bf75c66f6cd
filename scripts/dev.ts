/**
 * `npm start`: PostgreSQL (yours, or an embedded one under .data/), both services and the dev
 * gateway as child processes, URLs printed when all are healthy, Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { MailDev } from 'maildev';
import webpush from 'web-push';
import { SHUTDOWN_SIGNALS } from '#common/bootstrap/shutdown-signals';
import { ensureDatabase, redactUrl, startEmbeddedPostgresApart, withDatabase, type EmbeddedPostgresHandle } from '#common/database/index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.join(root, '.data');
const env = process.env;
const authPort = Number(env.AUTH_PORT ?? 3001);
const notifyPort = Number(env.NOTIFY_PORT ?? 3002);
const gatewayPort = Number(env.GATEWAY_PORT ?? 3000);

const children: Array<{ name: string; proc: ChildProcess }> = [];
let pgHandle: EmbeddedPostgresHandle | undefined;
let mailCatcher: MailDev | undefined;
let stopping = false;

function log(msg: string) {
  console.log(`[start] ${msg}`);
}

/** Dev-only secrets, generated once and kept in .data/ so a second start reuses them. */
interface DevSecrets {
  internalApiKey: string;
  vapid?: { publicKey: string; privateKey: string };
}
function devSecrets(): Required<DevSecrets> {
  const file = path.join(dataDir, 'dev-secrets.json');
  const kept: Partial<DevSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (kept.internalApiKey && kept.vapid) return kept as Required<DevSecrets>;
  // A VAPID pair for Web Push, so browsers can subscribe against a laptop's npm start.
  const secrets = {
    internalApiKey: kept.internalApiKey ?? `ik_${randomBytes(24).toString('base64url')}`,
    vapid: kept.vapid ?? webpush.generateVAPIDKeys(),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function databases(): Promise<{ auth: string; notify: string }> {
  if (env.AUTH_DATABASE_URL && env.NOTIFY_DATABASE_URL) return { auth: env.AUTH_DATABASE_URL, notify: env.NOTIFY_DATABASE_URL };
  let server = env.DATABASE_URL;
  if (!server) {
    log('no DATABASE_URL: starting the embedded PostgreSQL (data in .data/pg)');
    // In its own process group: Ctrl-C stops the services first, then PostgreSQL (shutdown below).
    pgHandle = await startEmbeddedPostgresApart({ dataDir: path.join(dataDir, 'pg') });
    server = pgHandle.url('postgres');
    log(`embedded PostgreSQL on 127.0.0.1:${pgHandle.port}`);
  }
  const urls = {
    auth: env.AUTH_DATABASE_URL ?? withDatabase(server, env.AUTH_DATABASE_NAME ?? 'auth'),
    notify: env.NOTIFY_DATABASE_URL ?? withDatabase(server, env.NOTIFY_DATABASE_NAME ?? 'notify'),
  };
  await ensureDatabase(urls.auth);
  await ensureDatabase(urls.notify);
  log(`databases: ${redactUrl(urls.auth)} and ${redactUrl(urls.notify)}`);
  return urls;
}

function run(name: string, script: string, childEnv: Record<string, string>) {
  const proc = spawn(process.execPath, ['--enable-source-maps', path.join(root, 'dist', script)], {
    cwd: root,
    env: { ...env, ...childEnv },
    // The IPC channel only tells the child when this launcher is gone (stopWithLauncher): killed outright, it takes them down.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Own process group: a terminal Ctrl-C reaches only this launcher, which stops the children in order.
    detached: true,
  });
  proc.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name, proc });
}

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => {
      const any = net.createServer();
      any.listen(0, '127.0.0.1', () => {
        const port = (any.address() as net.AddressInfo).port;
        any.close(() => resolve(port));
      });
    });
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

/** With no SMTP_URL: a local mail catcher (maildev: a real SMTP server and a page to read what was sent). */
async function startMailCatcher(): Promise<{ smtpUrl: string; webUrl: string } | null> {
  if (env.SMTP_URL) return null;
  const smtp = await freePort(Number(env.MAILDEV_SMTP_PORT ?? 1025));
  const web = await freePort(Number(env.MAILDEV_WEB_PORT ?? 1080));
  mailCatcher = new MailDev({ smtp, web, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  await mailCatcher.start();
  log(`mail catcher: SMTP on 127.0.0.1:${smtp}, web page on http://localhost:${web}`);
  return { smtpUrl: `smtp://127.0.0.1:${smtp}`, webUrl: `http://localhost:${web}` };
}

async function waitHealthy(name: string, url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  await Promise.all(
    children.map(
      ({ proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
          proc.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
    ),
  );
  if (mailCatcher) await mailCatcher.stop().catch(() => undefined);
  if (pgHandle) await pgHandle.stop().catch(() => undefined);
  log('stopped');
  process.exit(code);
}

async function main() {
  // Ctrl-C, a platform's SIGTERM, a closed terminal window (by default SIGHUP would end only this launcher): one orderly stop.
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => void shutdown(0));
  process.on('exit', () => children.forEach(({ proc }) => proc.exitCode === null && proc.kill('SIGKILL')));
  const urls = await databases();
  const mail = await startMailCatcher();
  const dev = devSecrets();
  const internalKey = env.INTERNAL_API_KEYS ?? dev.internalApiKey;
  const vapid: Record<string, string> =
    env.WEB_PUSH_VAPID_PUBLIC_KEY || env.WEB_PUSH_VAPID_PRIVATE_KEY
      ? {}
      : { WEB_PUSH_VAPID_PUBLIC_KEY: dev.vapid.publicKey, WEB_PUSH_VAPID_PRIVATE_KEY: dev.vapid.privateKey };
  const authUrl = `http://127.0.0.1:${authPort}`;
  const notifyUrl = `http://127.0.0.1:${notifyPort}`;
  const issuer = env.AUTH_ISSUER ?? `http://localhost:${gatewayPort}`;
  const shared = { INTERNAL_API_KEYS: internalKey, AUTH_ISSUER: issuer };
  run('auth-svc', 'apps/auth-svc/src/main.js', { ...shared, AUTH_PORT: String(authPort), AUTH_DATABASE_URL: urls.auth });
  // notify-svc fetches auth-svc's JWKS and revocation feed as it starts: started once auth-svc answers,
  // its first fetches succeed (no "unreachable" warning at every start).
  await waitHealthy('auth-svc', `${authUrl}/health/ready`);
  if (stopping) return;
  run('notify-svc', 'apps/notify-svc/src/main.js', {
    ...shared,
    NOTIFY_PORT: String(notifyPort),
    NOTIFY_DATABASE_URL: urls.notify,
    ...(mail ? { SMTP_URL: mail.smtpUrl } : {}),
    ...vapid,
    AUTH_JWKS_URL: env.AUTH_JWKS_URL ?? `${authUrl}/.well-known/jwks.json`,
    AUTH_INTROSPECTION_URL: env.AUTH_INTROSPECTION_URL ?? `${authUrl}/auth/v1/introspect`,
    AUTH_REVOCATIONS_URL: env.AUTH_REVOCATIONS_URL ?? `${authUrl}/auth/v1/revocations`,
  });
  run('gateway', 'apps/gateway/src/main.js', {
    GATEWAY_PORT: String(gatewayPort),
    AUTH_UPSTREAM_URL: env.AUTH_UPSTREAM_URL ?? authUrl,
    NOTIFY_UPSTREAM_URL: env.NOTIFY_UPSTREAM_URL ?? notifyUrl,
  });
  await Promise.all([
    waitHealthy('notify-svc', `${notifyUrl}/health/ready`),
    waitHealthy('gateway', `http://127.0.0.1:${gatewayPort}/health`),
  ]);
  if (stopping) return;
  const gw = `http://localhost:${gatewayPort}`;
  console.log(`
  Everything is up. Ctrl-C stops it all.

  Gateway        ${gw}   (/auth/*, /.well-known/*, /notify/*)
  Swagger UI     ${gw}/docs   (both services: log in, Authorize once)
    health       ${gw}/auth/health  ${gw}/notify/health  (add /ready for readiness)
  auth-svc       http://localhost:${authPort}    Swagger UI http://localhost:${authPort}/docs   OpenAPI /docs-json
  notify-svc     http://localhost:${notifyPort}    Swagger UI http://localhost:${notifyPort}/docs   OpenAPI /docs-json
  JWKS           ${gw}/.well-known/jwks.json
  Mail           ${mail ? `${mail.webUrl}   (local mail catcher: every email sent shows up here)` : `sent through SMTP_URL`}
  Workers        inside notify-svc (more: npm run start:worker)
  Internal key   ${env.INTERNAL_API_KEYS ? 'from INTERNAL_API_KEYS' : `in ${path.relative(root, path.join(dataDir, 'dev-secrets.json'))} (dev only)`}
`);
}

main().catch((err) => {
  console.error('[start] failed:', err instanceof Error ? err.message : err);
  void shutdown(1);
});
