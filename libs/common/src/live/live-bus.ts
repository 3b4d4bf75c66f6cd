import { jitteredBackoffMs } from '../backoff/backoff.js';

/** What a publisher sends: small (ids, not bodies): every message must fit PostgreSQL's NOTIFY. */
export type LivePayload = Record<string, unknown>;
export type LiveHandler = (payload: LivePayload) => void;

export interface LiveSubscribeOptions {
  /**
   * Called when messages may have been missed: the bus (re)connected after this subscriber joined
   * (first connection, or after a lost one). The subscriber re-reads its state from the database.
   */
  onResync?: () => void;
}

/**
 * Fan-out across every instance of a service: a message published on one process reaches the
 * subscribers of its topic on all of them (at most once: a subscriber that may have missed some is
 * told through onResync, and the database stays the source of truth).
 */
export interface LiveBus {
  publish(topic: string, payload: LivePayload): Promise<void>;
  subscribe(topic: string, handler: LiveHandler, opts?: LiveSubscribeOptions): () => void;
  /** Resolves once this process is listening (starts the listening connection if needed). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export const LIVE_BUS = Symbol('LIVE_BUS');

/** pg_notify refuses payloads of 8000 bytes or more; Redis is held to the same so both behave alike. */
export const LIVE_MAX_MESSAGE_BYTES = 7999;

/** The one wire format of both buses: the topic travels inside the message, on one channel. */
export function encodeLiveMessage(topic: string, payload: LivePayload): string {
  const message = JSON.stringify({ t: topic, p: payload });
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes > LIVE_MAX_MESSAGE_BYTES) {
    throw new Error(`LiveBus: message of ${bytes} bytes on "${topic}" exceeds ${LIVE_MAX_MESSAGE_BYTES} (publish ids, not bodies)`);
  }
  return message;
}

interface Subscription {
  handler: LiveHandler;
  onResync?: () => void;
}

/** This process's subscribers, by topic: both buses receive every message of their channel and dispatch here. */
export class LiveSubscriptions {
  private readonly byTopic = new Map<string, Set<Subscription>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  add(topic: string, handler: LiveHandler, opts: LiveSubscribeOptions = {}): () => void {
    const sub: Subscription = { handler, onResync: opts.onResync };
    let set = this.byTopic.get(topic);
    if (!set) this.byTopic.set(topic, (set = new Set()));
    set.add(sub);
    return () => {
      set.delete(sub);
      if (set.size === 0 && this.byTopic.get(topic) === set) this.byTopic.delete(topic);
    };
  }

  /** One raw message from the channel; malformed ones (not ours) are ignored. */
  dispatch(raw: string): void {
    let msg: { t?: unknown; p?: unknown };
    try {
      msg = JSON.parse(raw) as { t?: unknown; p?: unknown };
    } catch {
      return;
    }
    if (typeof msg?.t !== 'string' || typeof msg.p !== 'object' || msg.p === null) return;
    const set = this.byTopic.get(msg.t);
    if (!set) return;
    for (const s of [...set]) this.guard(() => s.handler(msg.p as LivePayload));
  }

  resyncAll(): void {
    for (const set of this.byTopic.values()) for (const s of [...set]) if (s.onResync) this.guard(s.onResync);
  }

  clear(): void {
    this.byTopic.clear();
  }

  /** One subscriber's failure must not keep the message from the others. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}

/** A promise that can be settled from outside, renewed each time the bus loses its connection. */
export class Readiness {
  private settled = false;
  private resolveFn!: () => void;
  private rejectFn!: (err: unknown) => void;
  promise: Promise<void>;

  constructor() {
    this.promise = this.fresh();
  }

  resolve(): void {
    this.settled = true;
    this.resolveFn();
  }

  /** After a lost connection: later callers wait for the next one. */
  reset(): void {
    if (this.settled) {
      this.settled = false;
      this.promise = this.fresh();
    }
  }

  reject(err: unknown): void {
    this.rejectFn(err);
    this.promise.catch(() => undefined);
  }

  private fresh(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
  }
}

/** Reconnect delay: the shared jittered backoff (half to full of the step, capped), in whole milliseconds. */
export function backoffMs(attempt: number, minMs: number, maxMs: number): number {
  return Math.round(jitteredBackoffMs(Math.min(attempt, 20), minMs, maxMs));
}

/**
 * What both buses share: one channel carrying every topic, local dispatch, lazy start of the
 * listening connection on the first subscribe (a process that only publishes never opens one).
 */
export abstract class OneChannelBus implements LiveBus {
  protected readonly subs: LiveSubscriptions;
  protected readonly readiness = new Readiness();
  protected closed = false;
  private started = false;

  constructor(
    protected readonly channel: string,
    protected readonly onError: (err: unknown) => void,
  ) {
    this.subs = new LiveSubscriptions(onError);
  }

  async publish(topic: string, payload: LivePayload): Promise<void> {
    if (this.closed) throw new Error('LiveBus is closed');
    await this.send(encodeLiveMessage(topic, payload));
  }

  subscribe(topic: string, handler: LiveHandler, opts?: LiveSubscribeOptions): () => void {
    const off = this.subs.add(topic, handler, opts);
    this.start();
    return off;
  }

  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('LiveBus is closed'));
    this.start();
    return this.readiness.promise;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.readiness.reject(new Error('LiveBus is closed'));
    this.subs.clear();
    await this.shutdown();
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Sends one encoded message on the channel. */
  protected abstract send(message: string): Promise<void>;
  /** Opens the listening connection; it resolves `readiness` and calls `subs.resyncAll()` each time it is (re)established. */
  protected abstract listen(): void;
  protected abstract shutdown(): Promise<void>;

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.listen();
  }
}
