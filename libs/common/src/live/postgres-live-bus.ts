import pg from 'pg';
import { backoffMs, OneChannelBus } from './live-bus.js';

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
export class PostgresLiveBus extends OneChannelBus {
  private readonly appName: string;
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly opts: PostgresLiveBusOptions = {},
  ) {
    super(opts.channel ?? 'live', opts.onError ?? (() => undefined));
    this.appName = opts.applicationName ?? 'live-bus';
    this.pool = new pg.Pool({ connectionString: url, max: 2, application_name: `${this.appName}:publish`, idleTimeoutMillis: 30_000 });
    this.pool.on('error', this.onError);
  }

  protected async send(message: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, message]);
  }

  protected listen(): void {
    void this.connect();
  }

  protected async shutdown(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    const listener = this.listener;
    this.listener = null;
    await Promise.all([listener?.end().catch(() => undefined), this.pool.end().catch(() => undefined)]);
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
    if (this.listener !== client) {
      client.end().catch(() => undefined); // closed meanwhile
      return;
    }
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
