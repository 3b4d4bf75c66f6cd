import type { Principal, Role } from '#common';
import type { CredentialIntrospector } from '../auth-kit.options.js';
import { opaqueCredentialOf, type OpaqueCredential } from '../strategies/opaque-credential.js';
import type { RevocationEntries, RevocationList } from './revocation-list.js';

/** Why a watched stream is ended: its credential was revoked (session ended, user deactivated, key or token revoked), or it lost every role it needed. */
export type StreamEndReason = 'revoked' | 'roles';

export interface StreamWatchOptions {
  /** The stream needs one of these roles (as its route did); a role change that leaves none ends it. */
  anyOfRoles?: readonly Role[];
}

interface Watched {
  readonly p: Pick<Principal, 'userId' | 'sessionId' | 'issuedAt' | 'roles'>;
  readonly end: (reason: StreamEndReason) => void;
  readonly anyOf?: ReadonlySet<Role>;
  /** The API key or personal token that opened the stream, asked about again while it lasts. */
  readonly credential?: OpaqueCredential;
}

export interface StreamRevocationsOptions {
  /** Answers again for the API key or personal token of each open stream (the kit's introspector, cached). */
  introspector?: CredentialIntrospector;
  /**
   * How often those are asked again, in seconds (default 5). A revoked key or personal token is
   * refused to new requests once the introspector's cached answer expires; its streams end at the
   * first recheck after that.
   */
  recheckSeconds?: number;
}

/**
 * The open streams (SSE, JSON streams, WebSockets), each with the principal that opened it, so a
 * revocation ends them as it refuses new requests. User credentials: the revocation list tells this
 * registry every batch of entries it applies (a feed poll), the registry looks up the streams of the
 * sessions and users named (two Map lookups per entry, nothing per stream), asks the list about each
 * as the guards would, and ends those now refused. API keys and personal tokens, which the feed does
 * not name (their revocation reaches resource services through introspection): every
 * `recheckSeconds` each distinct credential of an open stream is introspected again (a cache hit
 * until the cached answer expires, then one call to auth-svc), and its streams end when it is no
 * longer active or its roles no longer open the stream. A request is checked when it arrives; a
 * stream lives for minutes, and without this would go on delivering to a revoked credential until
 * its expiry. Entries are removed when the stream closes (the function `watch` returns), so nothing
 * leaks. Topic tokens are ended by their own bus signal.
 */
export class StreamRevocations {
  private readonly all = new Set<Watched>();
  private readonly byUser = new Map<string, Set<Watched>>();
  private readonly bySession = new Map<string, Set<Watched>>();
  /** Streams of API keys and personal tokens, by the token (asked about once however many streams it opened). */
  private readonly byCredential = new Map<string, Set<Watched>>();
  private readonly off: () => void;
  private readonly introspector?: CredentialIntrospector;
  private readonly recheckMs: number;
  private timer?: NodeJS.Timeout;
  private rechecking = false;

  constructor(
    private readonly list: RevocationList | undefined,
    opts: StreamRevocationsOptions = {},
  ) {
    this.off = list?.onApply?.((entries) => this.check(entries)) ?? (() => undefined);
    this.introspector = opts.introspector;
    this.recheckMs = Math.max(1, opts.recheckSeconds ?? 5) * 1000;
  }

  /** Streams being watched (observability and tests). */
  get size(): number {
    return this.all.size;
  }

  /**
   * Watches one open stream; `end` is called at most once, when its principal is revoked (also when
   * it already is: in the next microtask, as a poll may have landed between the guard and here).
   * Call the returned function when the stream closes.
   */
  watch(p: Principal, end: (reason: StreamEndReason) => void, opts: StreamWatchOptions = {}): () => void {
    const credential = this.introspector ? opaqueCredentialOf(p) : undefined;
    const userId = p.userId;
    const listed = !!this.list && !!userId;
    if (!listed && !credential) return () => undefined;
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
      credential,
    };
    this.all.add(w);
    if (listed) {
      add(this.byUser, userId, w);
      if (p.sessionId !== undefined) add(this.bySession, p.sessionId, w);
      if (this.verdict(w)) queueMicrotask(() => this.settle(w));
    }
    if (credential) {
      add(this.byCredential, credential.token, w);
      this.timer ??= setInterval(() => void this.recheck(), this.recheckMs).unref();
    }
    return () => this.remove(w);
  }

  /** Detaches from the revocation list and stops rechecking (application shutdown). */
  onModuleDestroy(): void {
    this.off();
    this.stopRechecking();
  }

  private check(entries: RevocationEntries): void {
    const named = new Set<Watched>();
    for (const sid of entries.sessions) for (const w of this.bySession.get(sid) ?? []) named.add(w);
    for (const u of entries.users) for (const w of this.byUser.get(u.id) ?? []) named.add(w);
    for (const r of entries.roles ?? []) for (const w of this.byUser.get(r.id) ?? []) named.add(w);
    for (const w of named) this.settle(w);
  }

  /** Asks again about each distinct API key and personal token of an open stream; ends the streams of those refused now. */
  async recheck(): Promise<void> {
    if (this.rechecking || !this.introspector) return;
    this.rechecking = true;
    try {
      await Promise.all(
        [...this.byCredential.values()].map(async (set) => {
          const streams = [...set];
          const { token, hint } = streams[0]!.credential!;
          let now: Principal | null;
          try {
            now = await this.introspector!.introspect(token, hint);
          } catch {
            return; // auth-svc unreachable: what is known stands, as it does for the revocation list
          }
          for (const w of streams) {
            if (!now || now.kind !== hint) this.finish(w, 'revoked');
            else if (lostEveryRole(w, now.roles)) this.finish(w, 'roles');
          }
        }),
      );
    } finally {
      this.rechecking = false;
    }
  }

  /** Ends the stream when its principal is now refused (and it is still watched). */
  private settle(w: Watched): void {
    const reason = this.verdict(w);
    if (reason) this.finish(w, reason);
  }

  private finish(w: Watched, reason: StreamEndReason): void {
    if (!this.remove(w)) return;
    try {
      w.end(reason);
    } catch {
      // The stream is gone either way; one failing close must not keep the others open.
    }
  }

  private verdict(w: Watched): StreamEndReason | null {
    if (!this.list || !w.p.userId) return null;
    if (this.list.isRevoked(w.p)) return 'revoked';
    if (w.anyOf) {
      const roles = this.list.currentRoles?.(w.p);
      if (roles && lostEveryRole(w, roles)) return 'roles';
    }
    return null;
  }

  /** False when it was no longer watched. */
  private remove(w: Watched): boolean {
    if (!this.all.delete(w)) return false;
    if (w.p.userId) drop(this.byUser, w.p.userId, w);
    if (w.p.sessionId !== undefined) drop(this.bySession, w.p.sessionId, w);
    if (w.credential && drop(this.byCredential, w.credential.token, w) && this.byCredential.size === 0) this.stopRechecking();
    return true;
  }

  private stopRechecking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The stream needs one of some roles and `roles` (its principal's now) holds none of them. */
function lostEveryRole(w: Watched, roles: readonly Role[]): boolean {
  return !!w.anyOf && !roles.some((r) => w.anyOf!.has(r));
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
