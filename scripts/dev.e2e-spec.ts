import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '#testing';

const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, timeout: 2000 });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => (sock.destroy(), resolve(false)));
  });
}

interface LogLine {
  level?: string;
  service?: string;
  msg?: string;
  url?: string;
}

/**
 * `npm start`'s launcher (dist/scripts/dev.js), run for real and stopped: the banner, loopback
 * binding by default, auth-svc answering before notify-svc starts (no fetch warning), and internal
 * polling (the revocation feed) kept out of the info level.
 */
describe('npm start (scripts/dev.ts)', () => {
  let auth: TestDatabase;
  let notify: TestDatabase;
  let dev: ChildProcess;
  let out = '';
  const ports = { auth: 0, notify: 0, gateway: 0 };

  beforeAll(async () => {
    auth = await createTestDatabase('dev_auth');
    notify = await createTestDatabase('dev_notify');
    ports.auth = await freePort();
    ports.notify = await freePort();
    ports.gateway = await freePort();
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: root, stdio: 'ignore' });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AUTH_DATABASE_URL: auth.url,
      NOTIFY_DATABASE_URL: notify.url,
      AUTH_PORT: String(ports.auth),
      NOTIFY_PORT: String(ports.notify),
      GATEWAY_PORT: String(ports.gateway),
      // Nothing is sent in this test; a set SMTP_URL keeps the launcher from starting its mail catcher.
      SMTP_URL: 'smtp://127.0.0.1:2525',
      AUTH_REVOCATION_POLL: '1',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    };
    dev = spawn(process.execPath, ['dist/scripts/dev.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    dev.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const deadline = Date.now() + 150_000;
    while (!out.includes('Everything is up') && dev.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    if (!out.includes('Everything is up')) throw new Error(`npm start did not come up:\n${out.slice(-4000)}`);
    // A few revocation polls (every second here) after the start.
    await new Promise((r) => setTimeout(r, 3000));
  }, 180_000);

  afterAll(async () => {
    if (dev && dev.exitCode === null && dev.signalCode === null) {
      const exited = new Promise((r) => dev.once('exit', r));
      dev.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
    await auth?.drop();
    await notify?.drop();
  }, 60_000);

  const lines = (): LogLine[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  it('prints the banner with the URLs', () => {
    expect(out).toContain('Everything is up. Ctrl-C stops it all.');
    expect(out).toContain(`Gateway        http://localhost:${ports.gateway}`);
  });

  it('listens on loopback only, unless HOST / GATEWAY_HOST say otherwise', async () => {
    const listening = lines().filter((l) => /listening/i.test(l.msg ?? ''));
    expect(listening.map((l) => l.msg).join('\n')).toContain(`auth-svc listening on http://127.0.0.1:${ports.auth}`);
    expect(listening.map((l) => l.msg).join('\n')).toContain(`notify-svc listening on http://127.0.0.1:${ports.notify}`);
    expect(listening.map((l) => l.msg).join('\n')).toContain(`http://127.0.0.1:${ports.gateway}`);
    for (const l of listening) expect(l.msg).not.toMatch(/0\.0\.0\.0|\[::\]/);
    for (const port of Object.values(ports)) expect(await accepts('127.0.0.1', port)).toBe(true);
    // Where this machine has a network address, nothing answers on it.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const addr of external) for (const port of Object.values(ports)) expect(await accepts(addr, port)).toBe(false);
  });

  it('logs the revocation polls at debug, never at info, and no fetch warning at start', () => {
    const polls = lines().filter((l) => l.url?.startsWith('/auth/v1/revocations'));
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.filter((l) => l.level !== 'debug')).toEqual([]);
    const jwks = lines().filter((l) => l.url === '/.well-known/jwks.json');
    expect(jwks.filter((l) => l.level !== 'debug')).toEqual([]);
    const warnings = lines().filter((l) => l.level === 'warn' || l.level === 'error');
    expect(warnings.filter((l) => /JWKS|revocation/i.test(l.msg ?? ''))).toEqual([]);
  });

  // Last: it ends the launcher.
  it('takes the services and the gateway down with it when the launcher is killed outright (SIGKILL)', async () => {
    dev.kill('SIGKILL');
    const deadline = Date.now() + 30_000;
    const up = async () => (await Promise.all(Object.values(ports).map((p) => accepts('127.0.0.1', p)))).some(Boolean);
    while ((await up()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await up()).toBe(false);
  }, 40_000);
});
