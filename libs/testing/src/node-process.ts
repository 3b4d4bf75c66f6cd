import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** The compiled apps (jest's global setup builds dist/ when sources changed), from source or from dist/. */
const up = path.resolve(import.meta.dirname, '../../..');
export const DIST_DIR = path.basename(up) === 'dist' ? up : path.join(up, 'dist');

export interface NodeProcess {
  proc: ChildProcess;
  url?: string;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends the signal (SIGTERM unless told) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, and SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `node <DIST_DIR>/<script>` with exactly `env` (nothing inherited but PATH) and resolves once
 * it is ready: its output matches `ready`, or `ready` is a URL that answers 200 (polled, so the
 * process may log at warn). Rejects with the output if it exits or times out first. Tests that need
 * a real process (SIGKILL, several instances on one database) start them this way.
 */
export function startNodeProcess(script: string, env: NodeJS.ProcessEnv, ready: RegExp | URL, timeoutMs = 30_000): Promise<NodeProcess> {
  const proc = spawn(process.execPath, [path.join(DIST_DIR, script)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const handle: NodeProcess = {
    proc,
    output: () => out,
    kill: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
    stop: async (graceMs = 10_000) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await handle.kill('SIGTERM');
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(handle);
    };
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      done(new Error(`${script} did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (ready instanceof RegExp && ready.test(out)) done();
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code, signal) => done(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${out}`)));
    if (ready instanceof URL) {
      const poll = async () => {
        while (!settled) {
          const ok = await fetch(ready, { signal: AbortSignal.timeout(2000) }).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) return done();
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      void poll();
    }
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
