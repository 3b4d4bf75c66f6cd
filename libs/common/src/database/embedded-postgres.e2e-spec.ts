import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgresApart } from './embedded-postgres.mjs';

/** Process group of a process (field 5 of /proc/PID/stat, counted after the command's closing parenthesis). */
const pgidOf = (pid: number | 'self') => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop()!.trim().split(' ')[2]);
const postmasterPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => (sock.destroy(), resolve(false)));
  });
}

async function until(what: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/**
 * The launcher's PostgreSQL (npm start) runs apart: out of the launcher's process group, so a
 * terminal's Ctrl-C does not cut the services' connections before the launcher has stopped them.
 */
describe('startEmbeddedPostgresApart', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pg-apart-'));
    dirs.push(d);
    return path.join(d, 'data');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('answers queries from a process group of its own, and stop() ends it', async () => {
    const dataDir = tempDir();
    const handle = await startEmbeddedPostgresApart({ dataDir });
    try {
      const client = new pg.Client({ connectionString: handle.url('postgres') });
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      await client.end();
      expect(rows).toEqual([{ one: 1 }]);
      // What a terminal's SIGINT reaches (this process's group) does not hold PostgreSQL.
      expect(pgidOf(postmasterPid(dataDir))).not.toBe(pgidOf('self'));
    } finally {
      await handle.stop();
    }
    expect(await accepts(handle.port)).toBe(false);
  }, 120_000);

  it('stops PostgreSQL when the launcher dies without asking (SIGKILL)', async () => {
    const dataDir = tempDir();
    const module = new URL('./embedded-postgres.mjs', import.meta.url).href;
    const launcher = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startEmbeddedPostgresApart } from ${JSON.stringify(module)};
         const h = await startEmbeddedPostgresApart({ dataDir: ${JSON.stringify(dataDir)} });
         console.log('port=' + h.port);
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    launcher.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    expect(await until(async () => /port=\d+/.test(out), 90_000)).toBe(true);
    const port = Number(/port=(\d+)/.exec(out)![1]);
    expect(await accepts(port)).toBe(true);
    launcher.kill('SIGKILL');
    expect(await until(async () => !(await accepts(port)), 30_000)).toBe(true);
  }, 150_000);
});
