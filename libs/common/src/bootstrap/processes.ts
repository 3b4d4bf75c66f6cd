import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { SHUTDOWN_SIGNALS } from './shutdown-signals.js';

/**
 * A service on several processes of one machine (node:cluster): one process runs JavaScript on one
 * core, so a service that answers from one process leaves the machine's other cores to PostgreSQL
 * and idle time. The primary only supervises (no Nest, no database); each worker is the whole
 * service, as one more instance is on another machine: everything that must be shared already
 * goes through PostgreSQL or Redis (jobs, rate limits, the live bus, revocations, migrations under
 * a lock), so the processes need nothing from each other but their metrics, which the primary
 * sums on a scrape (prom-client's AggregatorRegistry.aggregate, made for this).
 */

/** How many processes `configured` asks for: a number, or 0 for one a core, at most `autoMax`. */
export function processCount(configured: number, autoMax = 2): number {
  return configured > 0 ? configured : Math.max(1, Math.min(availableParallelism(), autoMax));
}

/** A worker that stops this soon after it started listening is crashing at start: no more restarts. */
const CRASH_LOOP_MS = 10_000;

/**
 * The primary: forks `count` workers and waits for them to listen; a worker that exits on its own
 * is replaced (unless it exits before it ever listened, or keeps dying at once: then everything
 * stops with exit code 1, as a single process that cannot start does). A shutdown signal reaches
 * each worker once (its own shutdown path: Nest's hooks, the job runner's drain) and the primary
 * exits when the last is gone, with 0.
 */
export function superviseProcesses(name: string, count: number, logger: Logger): void {
  let stopping = false;
  let exitCode = 0;
  const listeningSince = new Map<Worker, number>();
  // At a worker's 'exit' it may still be listed (until its channel closes): count the living.
  const living = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
  const listening = (w: Worker) => listeningSince.has(w) && w.isConnected();
  const stopAll = (code: number) => {
    exitCode ||= code;
    if (stopping) return;
    stopping = true;
    // A listening worker is asked (its shutdown path runs once even if a terminal's signal reached it
    // too); one still booting may not be listening for messages yet, so it gets SIGTERM.
    for (const w of living()) {
      if (listening(w)) w.send({ type: STOP });
      else w.process.kill('SIGTERM');
    }
    if (!living().length) process.exit(exitCode);
  };
  const fork = () => {
    const w = cluster.fork();
    w.once('listening', () => listeningSince.set(w, Date.now()));
  };

  cluster.on('exit', (w, code, signal) => {
    const since = listeningSince.get(w);
    listeningSince.delete(w);
    if (stopping) {
      if (!living().length) process.exit(exitCode);
      return;
    }
    const how = signal ?? `code ${code}`;
    if (since === undefined || Date.now() - since < CRASH_LOOP_MS) {
      logger.fatal(
        { pid: w.process.pid },
        `${name}: a process stopped (${how}) ${since === undefined ? 'before it listened' : 'just after it started'}; stopping`,
      );
      stopAll(1);
      return;
    }
    logger.error({ pid: w.process.pid }, `${name}: a process stopped (${how}); starting another`);
    fork();
  });
  // A scrape: each listening process's own metrics, summed. Not prom-client's clusterMetrics(): it asks
  // every connected process, and one still booting (no registry yet, e.g. a replacement) never
  // answers, so every scrape would wait out its 5 s timeout and fail until that process is up.
  const ownMetrics = (w: Worker) =>
    ask<{ metrics?: object[] }>(w, OWN_METRICS_REQUEST, OWN_METRICS_ANSWER, 2_000).then(
      (answer) => answer.metrics ?? [],
      () => [], // a process that dies meanwhile: the others' sum
    );
  cluster.on('message', (w, msg: { type?: string; id?: number }) => {
    if (msg?.type !== METRICS_REQUEST) return;
    Promise.all(living().filter(listening).map(ownMetrics))
      .then((parts) => AggregatorRegistry.aggregate(parts as never).metrics())
      .then(
        (text) => w.isConnected() && w.send({ type: METRICS_ANSWER, id: msg.id, text }),
        (err: unknown) => w.isConnected() && w.send({ type: METRICS_ANSWER, id: msg.id, error: String(err) }),
      );
  });
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => stopAll(0));

  for (let i = 0; i < count; i++) fork();
  logger.info({ processes: count }, `${name}: ${count} processes`);
}

/** What the primary sends a worker to stop it: the worker stops as on SIGTERM. */
const STOP = 'service:stop';

let shuttingDown = false;
/** From now on, a shutdown signal marks the process as stopping (call once its own shutdown hooks are installed). */
export function noteShutdownSignals(): void {
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, () => (shuttingDown = true));
}
/**
 * Stops this process as on SIGTERM, through its own shutdown path (before that is installed, at
 * once), unless a shutdown signal already arrived: a terminal's Ctrl-C reaches every process of its
 * group, and a second signal would cut the running shutdown hooks short.
 */
export function stopSelf(): void {
  if (shuttingDown) return;
  shuttingDown = true;
  process.kill(process.pid, 'SIGTERM');
}
/** In a worker, from the start of its boot: the primary's stop request stops it. Elsewhere nothing. */
export function followPrimary(): void {
  if (cluster.isWorker) process.on('message', (msg: { type?: string }) => msg?.type === STOP && stopSelf());
}
const METRICS_REQUEST = 'service:metrics?';
const METRICS_ANSWER = 'service:metrics';
const OWN_METRICS_REQUEST = 'service:own-metrics?';
const OWN_METRICS_ANSWER = 'service:own-metrics';

/**
 * In a worker: `registry` is what the primary sums across the processes (prom-client's
 * `AggregatorRegistry.aggregate`: counters and histograms added, gauges by their `aggregator`).
 * Call once, where the registry is made. Outside a cluster it does nothing.
 */
export function shareMetrics(registry: Registry): void {
  if (!cluster.isWorker) return;
  process.on('message', (msg: { type?: string; id?: number }) => {
    if (msg?.type !== OWN_METRICS_REQUEST) return;
    void registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: OWN_METRICS_ANSWER, id: msg.id, metrics }),
      () => process.send?.({ type: OWN_METRICS_ANSWER, id: msg.id, metrics: [] }),
    );
  });
}

/** One side of an IPC channel: a worker as the primary sees it, or the process itself in a worker. */
interface Peer {
  on(event: 'message', listener: (msg: { type?: string; id?: number }) => void): unknown;
  off(event: 'message', listener: (msg: { type?: string; id?: number }) => void): unknown;
  send?(msg: object): unknown;
}

let nextRequest = 0;
/** Sends `peer` a request of `type` and resolves with its answer of `answerType` (the same id); rejects after `timeoutMs`. */
function ask<A>(peer: Peer, type: string, answerType: string, timeoutMs: number): Promise<A> {
  const id = nextRequest++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`no answer to ${type} in ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (msg: { type?: string; id?: number }) => {
      if (msg?.type === answerType && msg.id === id) done(() => resolve(msg as A));
    };
    const done = (settle: () => void) => {
      clearTimeout(timer);
      peer.off('message', onMessage);
      settle();
    };
    peer.on('message', onMessage);
    peer.send!({ type, id });
  });
}

/** The metrics of the whole service: this process's registry alone, or in a cluster, the sum over its processes. */
export async function serviceMetrics(registry: Registry, timeoutMs = 5_000): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  const answer = await ask<{ text?: string; error?: string }>(process, METRICS_REQUEST, METRICS_ANSWER, timeoutMs).catch(() => {
    throw new Error('metrics: the primary process did not answer');
  });
  if (answer.error) throw new Error(answer.error);
  return answer.text ?? '';
}
