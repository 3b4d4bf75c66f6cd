import type { Principal, Role } from '#common';

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
  /**
   * Users whose roles changed (absent from older auth-svc answers): an access token issued at or
   * before `before` (seconds) holds only the roles it names that are also in `roles`, the user's
   * roles now, so a demoted admin loses admin rights before the token expires.
   */
  roles?: RoleChange[];
  /** How long an entry matters: the longest an access token lives, plus the clock tolerance. */
  retainSeconds: number;
}

/** A user's roles as they are since `before` (seconds since the epoch). */
export interface RoleChange {
  id: string;
  before: number;
  roles: Role[];
}

/** What a verifier learns in one go: a feed answer, or one event auth-svc published as it committed. */
export type RevocationEntries = Pick<RevocationFeed, 'sessions' | 'users' | 'roles' | 'retainSeconds'>;

/** Told about entries as they are applied (see RevocationList.onApply). */
export type RevocationListener = (entries: RevocationEntries) => void;

/** Answers, without I/O, whether a verified access token was revoked after it was issued. */
export interface RevocationList {
  isRevoked(p: Pick<Principal, 'userId' | 'sessionId' | 'issuedAt'>): boolean;
  /**
   * The roles a verified access token still holds when its user's roles changed after it was issued
   * (a subset of the token's); undefined when nothing changed.
   */
  currentRoles?(p: Pick<Principal, 'userId' | 'issuedAt' | 'roles'>): Role[] | undefined;
  /**
   * Calls `listener` with every batch of entries right after it is applied (a poll's answer, or
   * entries applied directly), so what outlives a request (an open stream) can be ended when its
   * credential is revoked; returns the unsubscribe function.
   */
  onApply?(listener: RevocationListener): () => void;
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
  private readonly roles = new Map<string, { before: number; roles: ReadonlySet<Role>; untilMs: number }>();
  private lastSweepMs = 0;

  apply(feed: RevocationEntries, nowMs = Date.now()): void {
    const until = nowMs + feed.retainSeconds * 1000;
    for (const sid of feed.sessions) this.sessions.set(sid, until);
    for (const u of feed.users) {
      const known = this.users.get(u.id);
      this.users.set(u.id, { before: Math.max(u.before, known?.before ?? 0), untilMs: until });
    }
    // The latest change wins (a feed answer repeats older ones within its overlap): the roles it names are the user's now.
    for (const r of feed.roles ?? []) {
      const known = this.roles.get(r.id);
      if (known && known.before > r.before) continue;
      this.roles.set(r.id, { before: r.before, roles: new Set(r.roles), untilMs: until });
    }
    if (nowMs - this.lastSweepMs > 60_000) this.sweep(nowMs);
  }

  currentRoles(p: Pick<Principal, 'userId' | 'issuedAt' | 'roles'>): Role[] | undefined {
    const r = p.userId ? this.roles.get(p.userId) : undefined;
    if (!r || (p.issuedAt ?? 0) > r.before) return undefined;
    const kept = p.roles.filter((role) => r.roles.has(role));
    return kept.length === p.roles.length ? undefined : kept;
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
    return this.sessions.size + this.users.size + this.roles.size;
  }

  private sweep(nowMs: number): void {
    this.lastSweepMs = nowMs;
    for (const [sid, until] of this.sessions) if (until <= nowMs) this.sessions.delete(sid);
    for (const [id, u] of this.users) if (u.untilMs <= nowMs) this.users.delete(id);
    for (const [id, r] of this.roles) if (r.untilMs <= nowMs) this.roles.delete(id);
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
  private readonly listeners = new Set<RevocationListener>();
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

  currentRoles(p: Parameters<RevocationSet['currentRoles']>[0]): Role[] | undefined {
    return this.set.currentRoles(p);
  }

  /** Entries learnt outside the polls (auth-svc: its own commits, and its instances' NOTIFY events). */
  apply(entries: RevocationEntries): void {
    this.set.apply(entries);
    this.notify(entries);
  }

  onApply(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** After the set knows the entries, so a listener that re-checks a principal sees them. Empty answers (most polls) tell nobody. */
  private notify(entries: RevocationEntries): void {
    if (entries.sessions.length === 0 && entries.users.length === 0 && !entries.roles?.length) return;
    for (const l of [...this.listeners]) {
      try {
        l(entries);
      } catch (err) {
        // One listener's failure must neither stop the others nor fail the poll (which would keep the cursor back).
        this.onError?.(err);
      }
    }
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
        this.notify(feed);
      })
      .catch((err: unknown) => this.onError?.(err))
      .finally(() => (this.inflight = null));
    return this.inflight;
  }
}
