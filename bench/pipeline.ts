/**
 * Delivery-pipeline scenarios (issue 8): accept → `sent` end to end through the workers to a local
 * webhook receiver, the latency of that path at a paced rate, graphile-worker's own per-job cost,
 * and notify-svc's memory after many deliveries.
 *
 * The load here is a small fetch loop instead of autocannon because each request's start time has to
 * be paired with the moment its webhook arrives (the receiver keys arrivals by `webhook-id`, which is
 * the delivery id the accept answered).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger, makeWorkerUtils, run, type Runner } from 'graphile-worker';
import pg from 'pg';
import { Pool } from 'undici';

// graphile-worker's Logger takes a factory; the bench wants its output quiet.
const quietLogger = new Logger(() => () => undefined);

export interface Receiver {
  url: string;
  arrivals: Map<string, number>; // delivery id → performance.now() at arrival
  /** TCP connections notify-svc opened to it: a kept-alive pool opens about as many as it sends at once. */
  connections(): number;
  close(): Promise<void>;
}

/** How many TCP connections a server has accepted so far. */
function connectionCount(server: http.Server): () => number {
  let n = 0;
  server.on('connection', () => n++);
  return () => n;
}

/** A webhook receiver answering 200 at once, as fast as Node's http server does. */
export async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const id = req.headers['webhook-id'];
    req.resume();
    req.on('end', () => {
      if (typeof id === 'string' && !arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  // Node's default keep-alive (5 s), as most receivers: notify-svc keeps a pool of connections to it.
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    connections: connectionCount(server),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface SendOptions {
  url: string; // POST /notify/v1/deliveries
  headers: Record<string, string>;
  body: string;
  count: number;
  concurrency: number;
  /** Requests per second to pace at; unpaced when absent. */
  rate?: number;
}

export interface Sent {
  starts: Map<string, number>; // delivery id → performance.now() before its accept request
  firstStart: number;
  acceptedAt: number; // when the last accept answered
  failures: number;
}

/** Sends `count` accepts over `concurrency` loops (optionally paced) and returns each id's start time. */
export async function sendMany(o: SendOptions): Promise<Sent> {
  const starts = new Map<string, number>();
  let next = 0;
  let failures = 0;
  const firstStart = performance.now();
  const interval = o.rate ? 1000 / o.rate : 0;
  // undici's Pool (one kept-alive connection per loop), not fetch: fetch cost this process 3-4 times
  // the CPU a request (585-933 against 161-241 µs, client and a trivial server together), taken
  // from the two cores the service under test shares; autocannon, which loads the yardstick, is as lean.
  const { origin, pathname, search } = new URL(o.url);
  const path = pathname + search;
  const pool = new Pool(origin, { connections: o.concurrency });
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= o.count) return;
        if (interval) {
          const due = firstStart + i * interval;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        const t0 = performance.now();
        const res = await pool.request({
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...o.headers },
          body: o.body,
        });
        const json = (await res.body.json().catch(() => null)) as { data?: { id?: string } } | null;
        if (res.statusCode !== 202 || !json?.data?.id) failures++;
        else starts.set(json.data.id, t0);
      }
    }),
  ).finally(() => pool.close());
  return { starts, firstStart, acceptedAt: performance.now(), failures };
}

/**
 * Sends `batches` requests of `size` recipients each to `POST /notify/v1/deliveries/batch`, all at once, and
 * returns each accepted delivery's start (its batch request's start): the way a caller hands over a
 * thousand notifications, where the accepts cost one request, not a thousand.
 */
export async function sendBatches(o: {
  url: string;
  headers: Record<string, string>;
  body: (size: number) => string;
  batches: number;
  size: number;
}): Promise<Sent> {
  const starts = new Map<string, number>();
  let failures = 0;
  const firstStart = performance.now();
  const { origin, pathname } = new URL(o.url);
  const pool = new Pool(origin, { connections: o.batches });
  await Promise.all(
    Array.from({ length: o.batches }, async () => {
      const t0 = performance.now();
      const res = await pool.request({
        path: pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...o.headers },
        body: o.body(o.size),
        headersTimeout: 120_000,
        bodyTimeout: 120_000,
      });
      const json = (await res.body.json().catch(() => null)) as { data?: { deliveries?: { id: string }[] } } | null;
      const ids = res.statusCode === 202 ? (json?.data?.deliveries?.map((d) => d.id) ?? []) : [];
      failures += o.size - ids.length; // recipients the request did not get accepted
      for (const id of ids) starts.set(id, t0);
    }),
  ).finally(() => pool.close());
  return { starts, firstStart, acceptedAt: performance.now(), failures };
}

/** Waits until every accepted id has arrived at the receiver (or the deadline passes). */
export async function awaitArrivals(
  rx: Receiver,
  ids: Iterable<string>,
  timeoutMs: number,
): Promise<{ missing: number; lastArrival: number }> {
  const wanted = [...ids];
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const missing = wanted.filter((id) => !rx.arrivals.has(id)).length;
    if (missing === 0 || performance.now() > deadline) {
      const lastArrival = Math.max(...wanted.map((id) => rx.arrivals.get(id) ?? 0));
      return { missing, lastArrival };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A scenario row's timing fields: the rate (`delivered` over the first accept's start → the last arrival), each
 * delivery's latency (its accept's start → its arrival) and what did not arrive.
 */
export function arrivalRow(
  sent: Sent,
  arrivals: ReadonlyMap<string, number>,
  o: { delivered: number; lastArrival: number; missing: number },
) {
  const rate = o.delivered / ((o.lastArrival - sent.firstStart) / 1000);
  const lat = [...sent.starts].map(([id, t0]) => (arrivals.get(id) ?? Infinity) - t0);
  return {
    rate,
    missing: o.missing,
    rps: Math.round(rate),
    p50: Math.round(percentile(lat, 0.5)),
    p99: Math.round(percentile(lat, 0.99)),
    non2xx: sent.failures,
    errors: o.missing,
    total: sent.starts.size,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/**
 * graphile-worker alone, in a database of its own: `jobs` no-op jobs added in batches, then drained by
 * one runner with the service's concurrency. Returns jobs/s; 1e6 / that is the queue's µs per job.
 */
export async function queueOverhead(
  connectionString: string,
  jobs: number,
  concurrency: number,
): Promise<{ jobsPerSecond: number; usPerJob: number }> {
  const pool = new pg.Pool({ connectionString, max: concurrency + 4 });
  // An idle connection's error (the database going away at the end) is reported, not thrown (graphile-worker asks for a handler).
  const report = (err: Error) => console.error(`graphile-worker bench pool: ${String(err)}`);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  const utils = await makeWorkerUtils({ pgPool: pool, logger: quietLogger });
  await utils.migrate();
  for (let i = 0; i < jobs; i += 1000) {
    await utils.addJobs(Array.from({ length: Math.min(1000, jobs - i) }, () => ({ identifier: 'noop', payload: {} })));
  }
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((r) => (finished = r));
  const t0 = performance.now();
  const runner: Runner = await run({
    pgPool: pool,
    concurrency,
    pollInterval: 1000,
    noHandleSignals: true,
    logger: quietLogger,
    taskList: {
      noop: async () => {
        if (++done === jobs) finished();
      },
    },
  });
  await allDone;
  const seconds = (performance.now() - t0) / 1000;
  await runner.stop();
  await utils.release();
  await pool.end();
  const jobsPerSecond = Math.round(jobs / seconds);
  return { jobsPerSecond, usPerJob: Math.round(1e6 / jobsPerSecond) };
}

/** Waits until graphile-worker's queue in that database is empty (earlier scenarios' sends drained). */
export async function awaitQueueEmpty(connectionString: string, timeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const t0 = performance.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM graphile_worker.jobs');
      if (rows[0]!.n === 0 || performance.now() - t0 > timeoutMs) return rows[0]!.n;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await client.end();
  }
}

/**
 * A local stand-in for the Twilio Messages API that answers at once (201 with a new `sid`) and
 * records when each message arrived, by sid; `byDelivery` maps them to delivery ids through the
 * deliveries' provider_message_id (Twilio's request carries no delivery id).
 */
export async function startTwilioStandIn(): Promise<Receiver & { byDelivery(db: string, ids: string[]): Promise<Map<string, number>> }> {
  const arrivals = new Map<string, number>();
  let n = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const sid = `SM${(++n).toString(16).padStart(32, '0')}`;
      arrivals.set(sid, performance.now());
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    connections: connectionCount(server),
    close: () => new Promise((r) => server.close(() => r())),
    async byDelivery(db: string, ids: string[]) {
      const client = new pg.Client({ connectionString: db });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string; sid: string | null }>(
          'SELECT id, provider_message_id AS sid FROM deliveries WHERE id = ANY($1::uuid[])',
          [ids],
        );
        return new Map(rows.flatMap((r) => (r.sid && arrivals.has(r.sid) ? [[r.id, arrivals.get(r.sid)!] as [string, number]] : [])));
      } finally {
        await client.end();
      }
    },
  };
}
