/** Most lockouts in a row that still double the delay (2^30 × any base is past every sane maximum). */
const MAX_DOUBLINGS = 30;

/**
 * How long an account stays locked once failed logins reach LOGIN_MAX_FAILURES within the window:
 * LOGIN_LOCKOUT_BASE_DELAY, doubled for each lockout in a row before this one (a right password
 * starts the count over), never more than LOGIN_LOCKOUT_MAX_DELAY. The atomic UPDATE that counts
 * failures picks its delay from `delaysSeconds()` by the row's lockout count.
 */
export class LockoutPolicy {
  constructor(
    private readonly baseDelaySeconds: number,
    private readonly maxDelaySeconds: number,
  ) {}

  /** The lock's length (seconds) after `lockoutsBefore` lockouts in a row. */
  delaySeconds(lockoutsBefore: number): number {
    const doublings = Math.min(Math.max(lockoutsBefore, 0), MAX_DOUBLINGS);
    return Math.min(this.baseDelaySeconds * 2 ** doublings, this.maxDelaySeconds);
  }

  /** Every delay by lockouts before (index 0 to 30), for SQL: `delays[LEAST(lockout_count, 30) + 1]`. */
  delaysSeconds(): number[] {
    return Array.from({ length: MAX_DOUBLINGS + 1 }, (_, n) => this.delaySeconds(n));
  }

  /** The SQL expression picking the delay from the `delays` array parameter by `countColumn`. */
  static delaySql(delays: string, countColumn: string): string {
    return `(${delays}::float8[])[LEAST(${countColumn}, ${MAX_DOUBLINGS}) + 1]`;
  }
}
