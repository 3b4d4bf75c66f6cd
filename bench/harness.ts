import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';

export interface Measure {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  duration?: number;
  /** Body built per request (e.g. a fresh refresh token each time). */
  bodyFor?: () => string;
  onBody?: (status: number, body: string) => void;
}

export const BENCH_DURATION = Number(process.env.BENCH_DURATION ?? 10);
export const BENCH_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

export async function load(name: string, o: LoadOptions): Promise<Measure> {
  const request = {
    method: o.method ?? 'GET',
    headers: { ...(o.body || o.bodyFor ? { 'content-type': 'application/json' } : {}), ...(o.headers ?? {}) },
    body: o.body,
    ...(o.bodyFor ? { setupRequest: (req: Record<string, unknown>) => ({ ...req, body: o.bodyFor!() }) } : {}),
    ...(o.onBody ? { onResponse: (status: number, body: string) => o.onBody!(status, body) } : {}),
  };
  const result = await autocannon({
    url: o.url,
    connections: o.connections ?? BENCH_CONNECTIONS,
    duration: o.duration ?? BENCH_DURATION,
    requests: [request as never],
  });
  const seconds = result.duration || o.duration || BENCH_DURATION;
  const rps = result.requests.total / seconds;
  return {
    name,
    // Exact over the run (autocannon's per-second average is rounded, which matters at 8 req/s).
    rps: rps >= 100 ? Math.round(rps) : Math.round(rps * 100) / 100,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

const children: ChildProcess[] = [];

/** CPU time (user + system, ms) in a /proc/PID/stat line: fields 14 and 15 (utime, stime) in clock ticks, counted after the command name's closing parenthesis. */
function statCpuMs(stat: string): number {
  const f = stat.split(')').pop()!.trim().split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/**
 * CPU time (user + system, ms) a process and its children (a service on several processes) have used
 * so far, from /proc (Linux); null elsewhere.
 */
export function cpuMsOf(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8')) + childPids(pid).reduce((ms, c) => ms + (cpuMsOf(c) ?? 0), 0);
  } catch {
    return null;
  }
}

/** The process ids of `pid`'s children (Linux /proc): a service on several processes answers from them. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resident memory (KiB, Linux /proc) of a process and its children: a service's, on one process or several. */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return (m ? Number(m[1]) : NaN) + childPids(pid).reduce((kib, c) => kib + rssKiB(c), 0);
}

/** The same in MiB, rounded. */
export const rssMiB = (pid: number): number => Math.round(rssKiB(pid) / 1024);

/** CPU time (ms) of each PostgreSQL process on this machine, by process id (Linux /proc; null elsewhere). */
export function postgresCpuMs(): Map<number, number> | null {
  try {
    const byPid = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        byPid.set(Number(entry), statCpuMs(stat));
      } catch {
        /* exited */
      }
    }
    return byPid;
  } catch {
    return null;
  }
}

/**
 * CPU PostgreSQL spent between two readings: per process, so a backend that exits in between (a
 * pool closing an idle connection) does not take its whole lifetime's CPU off the sum; what such a
 * backend spent in the stretch is missed, so the figure is a lower bound.
 */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/**
 * CPU per unit of work over a stretch of time: the given service processes and PostgreSQL, in µs.
 * Robust to a machine whose speed drifts between runs, which throughput is not.
 */
export function cpuMeter(pids: number[]): (units: number) => string {
  const before = pids.map(cpuMsOf);
  const pgBefore = postgresCpuMs();
  return (units) => {
    const services = pids.map((p, i) => (cpuMsOf(p) ?? 0) - (before[i] ?? 0)).reduce((a, b) => a + b, 0);
    const pgAfter = postgresCpuMs();
    const pgMs = pgBefore === null || pgAfter === null ? null : postgresCpuBetween(pgBefore, pgAfter);
    const us = (ms: number) => Math.round((ms * 1000) / Math.max(1, units));
    return `CPU per delivery: notify ${us(services)} µs${pgMs === null ? '' : `, PostgreSQL ${us(pgMs)} µs`}`;
  };
}

/** Process ids by origin (`http://127.0.0.1:port`): whose CPU a load on that URL costs. */
export const pidByOrigin = new Map<string, number>();

/** A load plus the CPU the serving process spent on it, per request (µs): robust to a shared, busy machine. */
export async function loadWithCpu(name: string, o: LoadOptions): Promise<Measure & { cpuUsPerReq?: number }> {
  const pid = pidByOrigin.get(new URL(o.url).origin);
  const before = cpuMsOf(pid);
  const m = await load(name, o);
  const after = cpuMsOf(pid);
  if (before === null || after === null || !m.total) return m;
  return { ...m, cpuUsPerReq: Math.round(((after - before) * 1000) / m.total) };
}

export interface BareFastify {
  url: string;
  /**
   * A route of bare Fastify that answers exactly what `url` answered to one request with `headers`
   * (its headers, less the ones Node writes itself, and its body): the ceiling those bytes leave.
   */
  sameBytes(name: string, url: string, headers?: Record<string, string>): Promise<string>;
}

/** Headers Node's http server writes on its own; the replay keeps them out of the captured set. */
const NODE_OWN_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

export function startBareFastify(root: string): Promise<BareFastify> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(root, 'dist', 'bench', 'bare-fastify.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    child.once('message', (m: { port: number }) => {
      const base = `http://127.0.0.1:${m.port}`;
      pidByOrigin.set(base, child.pid!);
      const sameBytes = async (name: string, url: string, headers: Record<string, string> = {}) => {
        const res = await fetch(url, { headers });
        const body = await res.text();
        const kept: Record<string, string> = {};
        res.headers.forEach((value, key) => {
          if (!NODE_OWN_HEADERS.has(key)) kept[key] = value;
        });
        await new Promise<void>((done) => {
          const ack = (reply: { replayed?: string }) => {
            if (reply.replayed !== name) return;
            child.off('message', ack);
            done();
          };
          child.on('message', ack);
          child.send({ replay: { name, headers: kept, body } });
        });
        return `${base}/replay/${name}`;
      };
      resolve({ url: base, sameBytes });
    });
    child.once('exit', (code) => reject(new Error(`bare fastify exited (${code})`)));
  });
}

/** Starts a built service and waits until it is ready; resolves with its process id. */
export async function startService(root: string, script: string, env: Record<string, string>, healthUrl: string | null): Promise<number> {
  // BENCH_PROFILE_DIR: each service writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  // BENCH_NODE_FLAGS: Node or V8 flags for the services (an experiment's; node:cluster hands them to each process).
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...profile, ...flags, path.join(root, 'dist', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  // A process without an HTTP port (the worker): started once it has stayed up for 3 s.
  if (healthUrl === null) {
    await new Promise((r) => setTimeout(r, 3000));
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    return child.pid!;
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(healthUrl)).ok) {
        pidByOrigin.set(new URL(healthUrl).origin, child.pid!);
        return child.pid!;
      }
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${script} not ready at ${healthUrl}`);
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

export async function api(base: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(base + p, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const json: any = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json?.error ?? json)}`);
  return json?.data ?? json;
}
