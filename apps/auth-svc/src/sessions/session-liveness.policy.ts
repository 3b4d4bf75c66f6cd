/**
 * When a session still stands: not ended (`revoked_at IS NULL`) and before both its idle expiry
 * (`expires_at`, pushed on by each refresh) and its absolute one (`absolute_expires_at`, set at login).
 * The SQL conditions every query about live sessions uses, written once.
 */
export class SessionLiveness {
  /** Neither expiry has passed (the session may still have been ended). */
  static unexpired(alias: string): string {
    return `${alias}.expires_at > now() AND ${alias}.absolute_expires_at > now()`;
  }

  /** Not ended and not expired: its tokens may still be used and refreshed. */
  static live(alias: string): string {
    return `${alias}.revoked_at IS NULL AND ${SessionLiveness.unexpired(alias)}`;
  }
}
