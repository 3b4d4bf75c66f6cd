import pg from 'pg';
import {
  backoffMs,
  encodeLiveMessage,
  LiveSubscriptions,
  Readiness,
  type LiveBus,
  type LiveHandler,
  type LivePayload,
  type LiveSubscribeOptions,
} from './live-bus.js';

export interface PostgresLiveBusOptions {
  /** The one NOTIFY channel of this service (every topic travels inside it). */
  channel?: string;
  /** application_name of the connections, so operators can tell them apart in pg_stat_activity. */
  applicationName?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the listening connection is checked with a query (a dead TCP peer sends no error). */
  pingIntervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Fan-out over PostgreSQL LISTEN/NOTIFY: one dedicated connection per process LISTENs on one
 * channel, and messages are dispatched locally by topic, so a thousand subscribers cost one
 * connection. NOTIFY goes through a small separate pool (a publisher never waits for the listener).
 *
 * Hand-written rather than pg-listen: that package has had no release since 2020; what is needed
 * here (one channel, reconnect with backoff, tell subscribers to re-sync) is this one class.
 */
export class PostgresLiveBus implements LiveBus {
  private readonly channel: string;
  private readonly appName: string;
  private readonly subs: LiveSubscriptions;
  private readonly readiness = new Readiness();
  private readonly pool: pg.Pool;
  private readonly onError: (err: unknown) => void;
  private listener: pg.Client | null = null;
  private started = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly opts: PostgresLiveBusOptions = {},
  ) {
    this.channel = opts.channel ?? 'live';
    this.appName = opts.applicationName ?? 'live-bus';
    this.onError = opts.onError ?? (() => undefined);
    this.subs = new LiveSubscriptions(this.onError);
    this.pool = new pg.Pool({ connectionString: url, max: 2, application_name: `${this.appName}:publish`, idleTimeoutMillis: 30_000 });
    this.pool.on('error', this.onError);
  }

  async publish(topic: string, payload: LivePayload): Promise<void> {
    if (this.closed) throw new Error('LiveBus is closed');
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, encodeLiveMessage(topic, payload)]);
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

  /** The backend pid of the listening connection (tests cut it to check the reconnect). */
  get listenerPid(): number | undefined {
    return (this.listener as unknown as { processID?: number } | null)?.processID;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.readiness.reject(new Error('LiveBus is closed'));
    this.subs.clear();
    const listener = this.listener;
    this.listener = null;
    await Promise.all([listener?.end().catch(() => undefined), this.pool.end().catch(() => undefined)]);
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = null;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `${this.appName}:listen`,
      keepAlive: true,
      query_timeout: 10_000,
    });
    this.listener = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (m) => {
      if (m.channel === this.channel && m.payload) this.subs.dispatch(m.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.listener !== client) return;
    this.attempt = 0;
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((err: unknown) => this.lost(client, err));
    }, this.opts.pingIntervalMs ?? 30_000);
    this.pingTimer.unref();
    this.readiness.resolve();
    // Whoever subscribed while nothing was listening (or before a lost connection) may have missed messages.
    this.subs.resyncAll();
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.listener !== client) return;
    this.listener = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.readiness.reset();
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.onError(err ?? new Error('LiveBus: listening connection ended'));
    const delay = backoffMs(this.attempt++, this.opts.minBackoffMs ?? 100, this.opts.maxBackoffMs ?? 5_000);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}
