import { Redis } from 'ioredis';
import { OneChannelBus } from './live-bus.js';

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
export class RedisLiveBus extends OneChannelBus {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(url: string, opts: RedisLiveBusOptions = {}) {
    super(opts.channel ?? 'live', opts.onError ?? (() => undefined));
    const onError = this.onError;
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

  protected async send(message: string): Promise<void> {
    await this.pub.publish(this.channel, message);
  }

  protected listen(): void {
    this.sub.connect().catch(() => undefined); // errors surface on 'error'; ioredis keeps retrying
  }

  protected async shutdown(): Promise<void> {
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }
}
