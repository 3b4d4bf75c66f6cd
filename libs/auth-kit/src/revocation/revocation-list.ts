import type { Principal } from '#common';

/**
 * What auth-svc's revocation feed answers (`GET /auth/v1/revocations`, internal key): sessions ended
 * and users deactivated recently. Access tokens are verified offline, so this is how a resource
 * service learns that one of them must stop working before its `exp`.
 */
export interface RevocationFeed {
  /** Opaque; pass it back as `since` to get what changed after this answer (with some overlap). */
  cursor: string;
  /** Ids of ended sessions (`sid`): every access token of these sessions is refused. */
  sessions: string[];
  /** Deactivated users: their access tokens issued at or before `before` (seconds) are refused. */
  users: Array<{ id: string; before: number }>;
  /** How long an entry matters: the longest an access token lives, plus the clock tolerance. */
  retainSeconds: number;
}

/** Answers, without I/O, whether a verified access token was revoked after it was issued. */
export interface RevocationList {
  isRevoked(p: Pick<Principal, 'userId' | 'sessionId' | 'issuedAt'>): boolean;
  /** Started and stopped with the application (polling). */
  start?(): void;
  /** Resolves once no poll is running any more. */
  stop?(): void | Promise<void>;
}

/**
 * The revoked sessions and users a verifier knows about, each kept until no token it concerns can
 * still be alive. Fed by polling (RevocationFeedClient in resource services, the local poller in
 * auth-svc); read on every request with two Map lookups.
 */
export class RevocationSet {
  private readonly sessions = new Map<string, number>();
  private readonly users = new Map<string, { before: number; untilMs: number }>();
  private lastSweepMs = 0;

  apply(feed: Pick<RevocationFeed, 'sessions' | 'users' | 'retainSeconds'>, nowMs = Date.now()): void {
    const until = nowMs + feed.retainSeconds * 1000;
    for (const sid of feed.sessions) this.sessions.set(sid, until);
    for (const u of feed.users) {
      const known = this.users.get(u.id);
      this.users.set(u.id, { before: Math.max(u.before, known?.before ?? 0), untilMs: until });
    }
    if (nowMs - this.lastSweepMs > 60_000) this.sweep(nowMs);
  }

  isRevoked(p: Pick<Principal, 'userId' | 'sessionId' | 'issuedAt'>): boolean {
    if (p.sessionId !== undefined && this.sessions.has(p.sessionId)) return true;
    if (p.userId) {
      const u = this.users.get(p.userId);
      if (u && (p.issuedAt ?? 0) <= u.before) return true;
    }
    return false;
  }

  get size(): number {
    return this.sessions.size + this.users.size;
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [sid, until] of this.sessions) if (until <= nowMs) this.sessions.delete(sid);
    for (const [id, u] of this.users) if (u.untilMs <= nowMs) this.users.delete(id);
  }
}

/** Where a poller gets the feed: auth-svc's HTTP endpoint, or (in auth-svc) its own use case. */
export type RevocationSource = (cursor: string | undefined) => Promise<RevocationFeed>;

/**
 * A RevocationList kept current by polling a source every `intervalMs` (0: never). A failed poll
 * leaves what is known in force and is reported to `onError`.
 */
export class PolledRevocationList implements RevocationList {
  private readonly set = new RevocationSet();
  private cursor: string | undefined;
  private timer?: NodeJS.Timeout;
  private inflight: Promise<void> | null = null;
  /** Number of polls answered (observability and tests). */
  polls = 0;

  constructor(
    private readonly source: RevocationSource,
    private readonly intervalMs: number,
    private readonly onError?: (err: unknown) => void,
  ) {}

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

  /** One poll now (deduplicated with one already running). */
  poll(): Promise<void> {
    this.inflight ??= this.source(this.cursor)
      .then((feed) => {
        this.set.apply(feed);
        this.cursor = feed.cursor;
        this.polls++;
      })
      .catch((err: unknown) => this.onError?.(err))
      .finally(() => (this.inflight = null));
    return this.inflight;
  }
}
