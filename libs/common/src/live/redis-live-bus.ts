import { Redis } from 'ioredis';
import {
  encodeLiveMessage,
  LiveSubscriptions,
  Readiness,
  type LiveBus,
  type LiveHandler,
  type LivePayload,
  type LiveSubscribeOptions,
} from './live-bus.js';

export interface RedisLiveBusOptions {
  /** The one pub/sub channel of this service (every topic travels inside it). */
  channel?: string;
  /** CLIENT SETNAME of the connections (`<name>:listen`, `<name>:publish`). */
  connectionName?: string;
  onError?: (err: unknown) => void;
}

/**
 * Fan-out over Redis pub/sub (when REDIS_URL is set): one subscriber connection per process on one
 * channel, dispatched locally by topic, exactly as the PostgreSQL bus does. ioredis reconnects with
 * its own backoff; each time the subscriber connection is ready again, it subscribes and tells the
 * subscribers to re-sync.
 */
export class RedisLiveBus implements LiveBus {
  private readonly channel: string;
  private readonly subs: LiveSubscriptions;
  private readonly readiness = new Readiness();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private started = false;
  private closed = false;

  constructor(url: string, opts: RedisLiveBusOptions = {}) {
    this.channel = opts.channel ?? 'live';
    const onError = opts.onError ?? (() => undefined);
    this.subs = new LiveSubscriptions(onError);
    const name = opts.connectionName ?? 'live-bus';
    this.pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectionName: `${name}:publish` });
    // autoResubscribe off: we subscribe on every 'ready' ourselves, to know when to resync.
    this.sub = new Redis(url, { lazyConnect: true, autoResubscribe: false, maxRetriesPerRequest: null, connectionName: `${name}:listen` });
    this.pub.on('error', onError);
    this.sub.on('error', onError);
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.subs.dispatch(message);
    });
    this.sub.on('ready', () => {
      this.sub.subscribe(this.channel).then(
        () => {
          this.readiness.resolve();
          this.subs.resyncAll();
        },
        (err: unknown) => {
          onError(err);
          this.sub.disconnect(true);
        },
      );
    });
    this.sub.on('close', () => this.readiness.reset());
  }

  async publish(topic: string, payload: LivePayload): Promise<void> {
    if (this.closed) throw new Error('LiveBus is closed');
    await this.pub.publish(this.channel, encodeLiveMessage(topic, payload));
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
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.sub.connect().catch(() => undefined); // errors surface on 'error'; ioredis keeps retrying
  }
}
