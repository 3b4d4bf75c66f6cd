/** What a refused refresh says about its session as it is now (see `RefreshReusePolicy.refusal`). */
export type RefreshRefusal = 'ended' | 'deactivated' | 'expired' | 'reused' | 'invalid';

/** The session's state a refused refresh is explained from. */
export interface RefreshSessionState {
  revoked_at: Date | null;
  is_active: boolean;
  /** Neither expiry has passed. */
  live: boolean;
  current_token_hash: Buffer;
}

/**
 * Refresh tokens are single use. A session accepts its current refresh token, and for
 * `REFRESH_REUSE_GRACE_SECONDS` after a rotation also the one that rotation retired (two tabs or a
 * retried request refreshing at once). A retired token presented after that means someone else holds
 * it: the session is ended (`refresh_reuse`).
 */
export class RefreshReusePolicy {
  /**
   * The SQL condition under which session `alias` accepts the presented token hash (`presented`, a
   * bound parameter) with a grace of `grace` seconds (a bound parameter too): the atomic rotation's WHERE.
   */
  static acceptsSql(alias: string, presented: string, grace: string): string {
    return `(${alias}.current_token_hash = ${presented}
         OR (${grace} > 0 AND ${alias}.previous_token_hash = ${presented} AND ${alias}.rotated_at > now() - make_interval(secs => ${grace})))`;
  }

  /**
   * Why the rotation refused a validly signed token, in the order the checks are reported: an ended
   * session, a deactivated user, an expired session; a token other than the current one is a reuse
   * (the grace is already behind it, or the rotation would have taken it).
   */
  static refusal(s: RefreshSessionState | null, presented: Buffer): RefreshRefusal {
    if (!s || s.revoked_at) return 'ended';
    if (!s.is_active) return 'deactivated';
    if (!s.live) return 'expired';
    if (!s.current_token_hash.equals(presented)) return 'reused';
    return 'invalid';
  }
}
