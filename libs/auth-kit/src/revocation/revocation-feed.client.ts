import type { RevocationFeed, RevocationList } from './revocation-list.js';
import { RevocationSet } from './revocation-list.js';

export interface RevocationFeedClientOptions {
  /** Poll every this many seconds; a revocation reaches this service within about one interval. Default 5. */
  intervalSeconds?: number;
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Polls auth-svc's revocation feed with the internal key and keeps what it learns in memory, so
 * a request costs no network call. When auth-svc cannot be reached, what is already known stays in
 * force and tokens keep being verified offline (failing closed would take every resource service
 * down with auth-svc); `onError` reports each failed poll.
 */
export class RevocationFeedClient implements RevocationList {
  private readonly set = new RevocationSet();
  private cursor: string | null = null;
  private timer?: NodeJS.Timeout;
  private inflight: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  /** Number of polls answered (observability and tests). */
  polls = 0;

  constructor(
    private readonly feedUrl: string,
    private readonly internalKey: string,
    private readonly opts: RevocationFeedClientOptions = {},
  ) {
    this.intervalMs = (opts.intervalSeconds ?? 5) * 1000;
    this.timeoutMs = opts.timeoutMs ?? 3000;
  }

  isRevoked(p: Parameters<RevocationList['isRevoked']>[0]): boolean {
    return this.set.isRevoked(p);
  }

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inflight;
  }

  /** One poll now (deduplicated); failures are reported and leave the known set as it is. */
  poll(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.fetchOnce()
        .catch((err: unknown) => this.opts.onError?.(err))
        .finally(() => (this.inflight = null));
    }
    return this.inflight;
  }

  private async fetchOnce(): Promise<void> {
    const url = new URL(this.feedUrl);
    if (this.cursor) url.searchParams.set('since', this.cursor);
    const res = await fetch(url, {
      headers: { accept: 'application/json', 'x-internal-api-key': this.internalKey },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`revocation feed answered HTTP ${res.status}`);
    const feed = (await res.json()) as Partial<RevocationFeed>;
    if (
      !feed ||
      typeof feed.cursor !== 'string' ||
      !Array.isArray(feed.sessions) ||
      !Array.isArray(feed.users) ||
      typeof feed.retainSeconds !== 'number'
    ) {
      throw new Error('revocation feed answer has an unexpected shape');
    }
    this.set.apply({
      sessions: feed.sessions.filter((s): s is string => typeof s === 'string'),
      users: feed.users.filter((u) => u && typeof u.id === 'string' && typeof u.before === 'number'),
      retainSeconds: feed.retainSeconds,
    });
    this.cursor = feed.cursor;
    this.polls++;
  }
}
