import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppException, ErrorCode, RATE_LIMIT_STORE, queryRows, type RateLimitStore } from '#common';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';

export interface LoginAttempt {
  /** Failures counted in this window, this attempt included. */
  attemptNumber: number;
}

const LOCKED_MESSAGE = 'Too many failed logins; the account is temporarily locked';

/**
 * Brute-force protection for password logins. Every attempt on an account first takes a numbered
 * slot with one atomic UPDATE; only the first LOGIN_MAX_FAILURES slots of a window ever reach the
 * password check, however many guesses arrive at once. A locked account answers ACCOUNT_LOCKED
 * before the password is looked at, so the answer says nothing about it.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    private readonly audit: AuditService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** 429 when this IP has failed too often. Reads the counter without adding to it. */
  async checkIp(ip: string | null): Promise<void> {
    if (!ip) return;
    const r = await this.store.hit(`login-fail:ip:${ip}`, this.config.LOGIN_IP_MAX_FAILURES, 0);
    if (r.remaining === 0) throw AppException.rateLimited(r.retryAfterSeconds, 'Too many failed logins from this address; retry later');
  }

  /** Takes the next attempt slot of the account, or throws ACCOUNT_LOCKED. */
  async begin(userId: string, tenantId: string, meta: RequestMeta): Promise<LoginAttempt> {
    const rows = await queryRows<{ failed_login_count: number }>(
      this.dataSource,
      `UPDATE users SET
         failed_login_count = CASE WHEN failed_login_window_start IS NULL
                                     OR failed_login_window_start <= now() - make_interval(secs => $2)
                                   THEN 1 ELSE failed_login_count + 1 END,
         failed_login_window_start = CASE WHEN failed_login_window_start IS NULL
                                     OR failed_login_window_start <= now() - make_interval(secs => $2)
                                   THEN now() ELSE failed_login_window_start END
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
       RETURNING failed_login_count`,
      [userId, this.config.LOGIN_FAILURE_WINDOW],
    );
    if (!rows.length) throw await this.lockedError(userId);
    const attemptNumber = Number(rows[0]!.failed_login_count);
    if (attemptNumber > this.config.LOGIN_MAX_FAILURES) {
      await this.lock(userId, tenantId, meta);
      throw await this.lockedError(userId);
    }
    return { attemptNumber };
  }

  /** A wrong password: counts against the IP; the account locks once its window is used up. */
  async failed(userId: string, tenantId: string, attempt: LoginAttempt, meta: RequestMeta): Promise<void> {
    if (meta.ip) await this.store.hit(`login-fail:ip:${meta.ip}`, this.config.LOGIN_IP_MAX_FAILURES, 1);
    if (attempt.attemptNumber >= this.config.LOGIN_MAX_FAILURES) await this.lock(userId, tenantId, meta);
  }

  /** A right password: the account's counters start over (and, for a login, last_login_at moves). */
  async succeeded(userId: string, { login = true }: { login?: boolean } = {}): Promise<void> {
    await this.dataSource.query(
      `UPDATE users SET failed_login_count = 0, failed_login_window_start = NULL, lockout_count = 0,
              last_login_at = CASE WHEN $2 THEN now() ELSE last_login_at END
        WHERE id = $1`,
      [userId, login],
    );
  }

  /**
   * For an email with no account: counted like an account (in the rate-limit store), so that
   * lockouts cannot tell existing accounts from others.
   */
  async unknownAccount(email: string, meta: RequestMeta): Promise<void> {
    const key = `login-unknown:${createHash('sha256').update(email).digest('base64url')}`;
    const r = await this.store.hit(key, { count: this.config.LOGIN_MAX_FAILURES, windowSeconds: this.config.LOGIN_FAILURE_WINDOW });
    if (!r.allowed) throw AppException.rateLimited(this.config.LOGIN_LOCKOUT_BASE_DELAY, LOCKED_MESSAGE, ErrorCode.ACCOUNT_LOCKED);
    if (meta.ip) await this.store.hit(`login-fail:ip:${meta.ip}`, this.config.LOGIN_IP_MAX_FAILURES, 1);
  }

  private async lock(userId: string, tenantId: string, meta: RequestMeta): Promise<void> {
    // Each lockout in a row doubles the delay, up to the maximum; only one racer sets it.
    const rows = await queryRows<{ locked_until: Date; lockout_count: number }>(
      this.dataSource,
      `UPDATE users SET
         locked_until = now() + make_interval(secs => LEAST($2 * power(2, LEAST(lockout_count, 30)), $3)),
         lockout_count = lockout_count + 1,
         failed_login_count = 0,
         failed_login_window_start = NULL
       WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
       RETURNING locked_until, lockout_count`,
      [userId, this.config.LOGIN_LOCKOUT_BASE_DELAY, this.config.LOGIN_LOCKOUT_MAX_DELAY],
    );
    if (rows.length) {
      await this.audit.record({
        type: AuditEventType.AccountLocked,
        tenantId,
        targetUserId: userId,
        meta,
        details: { lockedUntil: new Date(rows[0]!.locked_until).toISOString(), lockoutCount: rows[0]!.lockout_count },
      });
    }
  }

  private async lockedError(userId: string): Promise<AppException> {
    const rows: Array<{ seconds: number | null }> = await this.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (locked_until - now()))::float8 AS seconds FROM users WHERE id = $1`,
      [userId],
    );
    const seconds = Math.max(1, Math.ceil(Number(rows[0]?.seconds ?? this.config.LOGIN_LOCKOUT_BASE_DELAY)));
    return AppException.rateLimited(seconds, LOCKED_MESSAGE, ErrorCode.ACCOUNT_LOCKED);
  }
}
