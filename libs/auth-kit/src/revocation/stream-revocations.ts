import type { Principal, Role } from '#common';
import type { RevocationEntries, RevocationList } from './revocation-list.js';

/** Why a watched stream is ended: its credential was revoked (session ended, user deactivated), or its user lost every role it needed. */
export type StreamEndReason = 'revoked' | 'roles';

export interface StreamWatchOptions {
  /** The stream needs one of these roles (as its route did); a role change that leaves none ends it. */
  anyOfRoles?: readonly Role[];
}

interface Watched {
  readonly p: Pick<Principal, 'userId' | 'sessionId' | 'issuedAt' | 'roles'>;
  readonly end: (reason: StreamEndReason) => void;
  readonly anyOf?: ReadonlySet<Role>;
}

/**
 * The open streams (SSE, JSON streams, WebSockets) of user credentials, each with the principal
 * that opened it, so a revocation ends them as it refuses new requests: the revocation list tells
 * this registry every batch of entries it applies (a feed poll), the registry looks up the streams
 * of the sessions and users named (two Map lookups per entry, nothing per stream), asks the list
 * about each as the guards would, and ends those now refused. A request is checked when it arrives;
 * a stream lives for minutes, and without this would go on delivering to a revoked token until its
 * `exp`. Entries are removed when the stream closes (the function `watch` returns), so nothing leaks.
 *
 * API keys carry no user and the feed never names them (their revocation reaches resource services
 * through the introspection cache); topic tokens are ended by their own bus signal.
 */
export class StreamRevocations {
  private readonly byUser = new Map<string, Set<Watched>>();
  private readonly bySession = new Map<string, Set<Watched>>();
  private readonly off: () => void;

  constructor(private readonly list: RevocationList | undefined) {
    this.off = list?.onApply?.((entries) => this.check(entries)) ?? (() => undefined);
  }

  /** Streams being watched (observability and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /**
   * Watches one open stream; `end` is called at most once, when its principal is revoked (also when
   * it already is: in the next microtask, as a poll may have landed between the guard and here).
   * Call the returned function when the stream closes.
   */
  watch(p: Principal, end: (reason: StreamEndReason) => void, opts: StreamWatchOptions = {}): () => void {
    const list = this.list;
    const userId = p.userId;
    if (!list || !userId) return () => undefined;
    const w: Watched = {
      p: {
        userId,
        sessionId: p.sessionId,
        // A personal token has no iat: the stream's opening stands for it, so a deactivation after it (or in the
        // same second) ends the stream, and one that a re-activation already undid before it does not.
        issuedAt: p.issuedAt ?? Math.floor(Date.now() / 1000),
        roles: p.roles,
      },
      end,
      anyOf: opts.anyOfRoles ? new Set(opts.anyOfRoles) : undefined,
    };
    add(this.byUser, userId, w);
    if (p.sessionId !== undefined) add(this.bySession, p.sessionId, w);
    if (this.verdict(w)) queueMicrotask(() => this.settle(w));
    return () => this.remove(w);
  }

  /** Detaches from the revocation list (application shutdown). */
  onModuleDestroy(): void {
    this.off();
  }

  private check(entries: RevocationEntries): void {
    const named = new Set<Watched>();
    for (const sid of entries.sessions) for (const w of this.bySession.get(sid) ?? []) named.add(w);
    for (const u of entries.users) for (const w of this.byUser.get(u.id) ?? []) named.add(w);
    for (const r of entries.roles ?? []) for (const w of this.byUser.get(r.id) ?? []) named.add(w);
    for (const w of named) this.settle(w);
  }

  /** Ends the stream when its principal is now refused (and it is still watched). */
  private settle(w: Watched): void {
    const reason = this.verdict(w);
    if (!reason || !this.remove(w)) return;
    try {
      w.end(reason);
    } catch {
      // The stream is gone either way; one failing close must not keep the others open.
    }
  }

  private verdict(w: Watched): StreamEndReason | null {
    if (this.list!.isRevoked(w.p)) return 'revoked';
    if (w.anyOf) {
      const roles = this.list!.currentRoles?.(w.p);
      if (roles && !roles.some((r) => w.anyOf!.has(r))) return 'roles';
    }
    return null;
  }

  /** False when it was no longer watched. */
  private remove(w: Watched): boolean {
    const removed = drop(this.byUser, w.p.userId!, w);
    if (w.p.sessionId !== undefined) drop(this.bySession, w.p.sessionId, w);
    return removed;
  }
}

function add(index: Map<string, Set<Watched>>, key: string, w: Watched): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(w);
}

function drop(index: Map<string, Set<Watched>>, key: string, w: Watched): boolean {
  const set = index.get(key);
  if (!set?.delete(w)) return false;
  if (set.size === 0) index.delete(key);
  return true;
}
