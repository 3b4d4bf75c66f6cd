import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppException, ErrorCode, RATE_LIMIT_STORE, type RateLimitStore } from '#common';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { LockoutPolicy } from './lockout.policy.js';

export interface FailureOutcome {
  /** Failures counted in the current window, this one included (0 when it locked the account). */
  failures: number;
  locked: boolean;
}

const LOCKED_MESSAGE = 'Too many failed logins; the account is temporarily locked';
/** A waiting login gives up after this long (the client sees ACCOUNT_LOCKED with a short Retry-After). */
const QUEUE_TIMEOUT_MS = 30_000;
/** Waiters re-check at least this often (slots freed by other instances are not announced here). */
const POLL_MS = 200;

// Failures of the current window (0 once the window has passed).
const FAILURES = `(CASE WHEN failed_login_window_start IS NULL OR failed_login_window_start <= now() - make_interval(secs => $2)
                   THEN 0 ELSE failed_login_count END)`;
// Checks in progress; a reservation untouched for a minute belongs to a crashed instance.
const PENDING = `(CASE WHEN login_checks_since IS NULL OR login_checks_since <= now() - interval '1 minute' THEN 0 ELSE login_checks_pending END)`;

// A password check may start only while failures + checks in progress stay under the limit.
const RESERVE_SQL = `
  UPDATE users SET
    failed_login_count = ${FAILURES},
    failed_login_window_start = CASE WHEN ${FAILURES} = 0 THEN NULL ELSE failed_login_window_start END,
    login_checks_pending = ${PENDING} + 1,
    login_checks_since = now()
  WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now()) AND ${FAILURES} + ${PENDING} < $3
  RETURNING id`;

// A wrong password: the check's slot becomes a failure; reaching the limit locks for the
// LockoutPolicy's delay after this many lockouts in a row ($4: its delays by lockout count).
const FAILED_SQL = `
  UPDATE users SET
    login_checks_pending = GREATEST(login_checks_pending - 1, 0),
    failed_login_count = CASE WHEN ${FAILURES} + 1 >= $3 THEN 0 ELSE ${FAILURES} + 1 END,
    failed_login_window_start = CASE WHEN ${FAILURES} + 1 >= $3 THEN NULL ELSE COALESCE(
      CASE WHEN ${FAILURES} = 0 THEN NULL ELSE failed_login_window_start END, now()) END,
    locked_until = CASE WHEN ${FAILURES} + 1 >= $3
      THEN now() + make_interval(secs => ${LockoutPolicy.delaySql('$4', 'lockout_count')}) ELSE locked_until END,
    lockout_count = CASE WHEN ${FAILURES} + 1 >= $3 THEN lockout_count + 1 ELSE lockout_count END
  WHERE id = $1
  RETURNING failed_login_count, locked_until, lockout_count`;

/**
 * Brute-force protection for password checks, counted atomically in the database so that every
 * instance shares it. However many guesses arrive at once, no more than LOGIN_MAX_FAILURES reach
 * bcrypt per window; correct logins beyond that wait in line for a slot rather than fail. A locked
 * account answers ACCOUNT_LOCKED before the password is looked at, so the answer says nothing about it.
 */
@Injectable()
export class LoginThrottle {
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly lockout: LockoutPolicy;
  private readonly lockoutDelays: number[];

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    private readonly audit: AuditService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    this.lockout = new LockoutPolicy(config.LOGIN_LOCKOUT_BASE_DELAY, config.LOGIN_LOCKOUT_MAX_DELAY);
    this.lockoutDelays = this.lockout.delaysSeconds();
  }

  /** 429 when this IP has failed too often. Reads the counter without adding to it. */
  async checkIp(ip: string | null): Promise<void> {
    if (!ip) return;
    const r = await this.store.hit(`login-fail:ip:${ip}`, this.config.LOGIN_IP_MAX_FAILURES, 0);
    if (r.remaining === 0) throw AppException.rateLimited(r.retryAfterSeconds, 'Too many failed logins from this address; retry later');
  }

  /**
   * Takes a password-check slot of the account (waiting for one if all are in use), or throws
   * ACCOUNT_LOCKED. Every successful `begin` must end in `failed`, `succeeded` or `release`.
   */
  async begin(userId: string): Promise<void> {
    const deadline = Date.now() + QUEUE_TIMEOUT_MS;
    for (;;) {
      const got = await this.uow.db.rows(
        RESERVE_SQL,
        [userId, this.config.LOGIN_FAILURE_WINDOW, this.config.LOGIN_MAX_FAILURES],
        'login_reserve',
      );
      if (got.length) return;
      const [state] = await this.uow.db.rows<{ locked_seconds: number | null }>(
        `SELECT CASE WHEN locked_until > now() THEN EXTRACT(EPOCH FROM (locked_until - now()))::float8 END AS locked_seconds
           FROM users WHERE id = $1`,
        [userId],
        'login_lock_state',
      );
      if (!state || state.locked_seconds !== null) {
        this.wake(userId); // the next in line learns it too
        throw lockedError(Number(state?.locked_seconds ?? this.lockout.delaySeconds(0)));
      }
      if (Date.now() >= deadline) throw lockedError(1);
      await this.waitTurn(userId, Math.min(POLL_MS, deadline - Date.now()));
    }
  }

  /** A wrong password: counts against the account and the IP; the account locks at the limit. */
  async failed(userId: string, tenantId: string, meta: RequestMeta): Promise<FailureOutcome> {
    try {
      const [row] = await this.uow.db.rows<{ failed_login_count: number; locked_until: Date; lockout_count: number }>(FAILED_SQL, [
        userId,
        this.config.LOGIN_FAILURE_WINDOW,
        this.config.LOGIN_MAX_FAILURES,
        this.lockoutDelays,
      ]);
      const locked = !!row && Number(row.failed_login_count) === 0;
      if (locked) {
        await this.audit.record({
          type: AuditEventType.AccountLocked,
          tenantId,
          targetUserId: userId,
          meta,
          details: { lockedUntil: new Date(row.locked_until).toISOString(), lockoutCount: row.lockout_count },
        });
      }
      if (meta.ip) await this.store.hit(`login-fail:ip:${meta.ip}`, this.config.LOGIN_IP_MAX_FAILURES, 1);
      return { failures: locked ? this.config.LOGIN_MAX_FAILURES : Number(row?.failed_login_count ?? 0), locked };
    } finally {
      this.wake(userId);
    }
  }

  /** A right password: the account's counters start over (and, for a login, last_login_at moves). */
  async succeeded(userId: string, { login = true }: { login?: boolean } = {}): Promise<void> {
    try {
      await this.uow.db.rows(
        `UPDATE users SET login_checks_pending = GREATEST(login_checks_pending - 1, 0), failed_login_count = 0,
                failed_login_window_start = NULL, lockout_count = 0, last_login_at = CASE WHEN $2 THEN now() ELSE last_login_at END
          WHERE id = $1`,
        [userId, login],
        'login_succeeded',
      );
    } finally {
      this.wake(userId);
    }
  }

  /** Gives the slot back without a verdict (the check itself failed to run). */
  async release(userId: string): Promise<void> {
    try {
      await this.uow.db.rows(`UPDATE users SET login_checks_pending = GREATEST(login_checks_pending - 1, 0) WHERE id = $1`, [userId]);
    } finally {
      this.wake(userId);
    }
  }

  /**
   * For an email with no account: counted like an account (in the rate-limit store), so that
   * lockouts cannot tell existing accounts from others.
   */
  async unknownAccount(email: string, meta: RequestMeta): Promise<void> {
    const key = `login-unknown:${createHash('sha256').update(email).digest('base64url')}`;
    const r = await this.store.hit(key, { count: this.config.LOGIN_MAX_FAILURES, windowSeconds: this.config.LOGIN_FAILURE_WINDOW });
    if (!r.allowed) throw lockedError(this.lockout.delaySeconds(0));
    if (meta.ip) await this.store.hit(`login-fail:ip:${meta.ip}`, this.config.LOGIN_IP_MAX_FAILURES, 1);
  }

  /** Resolves when a local check of this account ends, or after `ms` (another instance may have freed a slot). */
  private waitTurn(userId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.waiters.get(userId) ?? [];
      const done = () => {
        clearTimeout(timer);
        const i = queue.indexOf(done);
        if (i >= 0) queue.splice(i, 1);
        if (!queue.length && this.waiters.get(userId) === queue) this.waiters.delete(userId);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      queue.push(done);
      this.waiters.set(userId, queue);
    });
  }

  private wake(userId: string): void {
    this.waiters.get(userId)?.[0]?.();
  }
}

function lockedError(seconds: number): AppException {
  return AppException.rateLimited(Math.max(1, Math.ceil(seconds)), LOCKED_MESSAGE, ErrorCode.ACCOUNT_LOCKED);
}
