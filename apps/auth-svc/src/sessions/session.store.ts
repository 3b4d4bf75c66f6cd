import { Injectable } from '@nestjs/common';
import { paginate, type Page, type PaginationQueryDto, type PlanTier, type Role } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';
import { RevocationEvents } from '../revocations/revocation-events.js';
import { RefreshReusePolicy } from './refresh-reuse.policy.js';
import { SessionLiveness } from './session-liveness.policy.js';
import { Session } from './session.entity.js';

export interface NewSession {
  id: string;
  tenantId: string;
  userId: string;
  tokenHash: Buffer;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  method: string;
}

/** A rotated session, with its user and tenant as they are now (roles may have changed since login). */
export interface RotatedSession {
  expires_at: Date;
  user_id: string;
  tenant_id: string;
  email: string;
  roles: Role[];
  plan_tier: PlanTier;
}

/** Why a session might refuse a token: for explaining a refused refresh. `live`: neither expiry has passed. */
export interface SessionState {
  user_id: string;
  tenant_id: string;
  revoked_at: Date | null;
  current_token_hash: Buffer;
  live: boolean;
  is_active: boolean;
}

/** A session as introspection needs it: whether it (and its user) still stand, and the user's data now. */
export interface SessionStanding {
  revoked_at: Date | null;
  live: boolean;
  current: boolean;
  is_active: boolean;
  roles: Role[];
  email: string;
  plan_tier: PlanTier;
}

// One statement decides a refresh: a live session that accepts the token (RefreshReusePolicy: its
// current one, or within the grace the one it just replaced) swaps it for the new one. Concurrent
// refreshes with one token queue on the row lock; the second re-checks the WHERE against the updated row.
const ROTATE_SQL = `
  UPDATE sessions s SET
    previous_token_hash = CASE WHEN s.current_token_hash = $2 THEN s.current_token_hash ELSE s.previous_token_hash END,
    rotated_at = CASE WHEN s.current_token_hash = $2 THEN now() ELSE s.rotated_at END,
    current_token_hash = $3,
    last_used_at = now(),
    ip = COALESCE($6, s.ip),
    expires_at = LEAST(date_trunc('second', now()) + make_interval(secs => $4), s.absolute_expires_at)
  FROM users u JOIN tenants t ON t.id = u.tenant_id
  WHERE s.id = $1 AND u.id = s.user_id AND u.is_active
    AND ${SessionLiveness.live('s')}
    AND ${RefreshReusePolicy.acceptsSql('s', '$2', '$5')}
  RETURNING s.expires_at, u.id AS user_id, u.tenant_id, u.email, u.roles, t.plan_tier`;

/** Ended sessions stay listed this long for investigations (their events are in the audit trail for good). */
const KEEP_ENDED = '7 days';

/** The one writer (and reader) of the `sessions` table. */
@Injectable()
export class SessionStore {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: RevocationEvents,
  ) {}

  /**
   * Runs an UPDATE that ends sessions (`RETURNING id`) in the open transaction, or in one of its own,
   * and announces the ended ids in the same transaction (every auth-svc instance refuses them at once).
   */
  private ending(sql: string, params: unknown[]): Promise<string[]> {
    return this.uow.run(async (tx) => {
      const ids = (await tx.rows<{ id: string }>(sql, params)).map((r) => r.id);
      if (ids.length) await this.events.publish({ sessions: ids });
      return ids;
    });
  }

  async start(s: NewSession): Promise<void> {
    await this.uow.db.repo(Session).insert({
      id: s.id,
      tenantId: s.tenantId,
      userId: s.userId,
      currentTokenHash: s.tokenHash,
      expiresAt: s.expiresAt,
      absoluteExpiresAt: s.absoluteExpiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
      method: s.method,
    });
  }

  /** Swaps the session's refresh token `oldHash` for `newHash`; null when the session refuses it. */
  async rotate(
    sessionId: string,
    oldHash: Buffer,
    newHash: Buffer,
    o: { ttlSeconds: number; reuseGraceSeconds: number; ip: string | null },
  ): Promise<RotatedSession | null> {
    const rows = await this.uow.db.rows<RotatedSession>(
      ROTATE_SQL,
      [sessionId, oldHash, newHash, o.ttlSeconds, o.reuseGraceSeconds, o.ip],
      'sessions_rotate',
    );
    return rows[0] ?? null;
  }

  async state(sessionId: string): Promise<SessionState | null> {
    const rows = await this.uow.db.rows<SessionState>(
      `SELECT s.user_id, s.tenant_id, s.revoked_at, s.current_token_hash,
              (${SessionLiveness.unexpired('s')}) AS live, u.is_active
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  async standing(sessionId: string, tokenHash: Buffer): Promise<SessionStanding | null> {
    const rows = await this.uow.db.rows<SessionStanding>(
      `SELECT s.revoked_at, (${SessionLiveness.unexpired('s')}) AS live,
              s.current_token_hash = $2 AS current, u.is_active, u.roles, u.email, t.plan_tier
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id
        WHERE s.id = $1`,
      [sessionId, tokenHash],
    );
    return rows[0] ?? null;
  }

  listLive(userId: string, query: PaginationQueryDto): Promise<Page<Session>> {
    const qb = this.uow.db
      .repo(Session)
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId })
      .andWhere(SessionLiveness.live('s'));
    return paginate(qb, query, { sortColumn: 's.created_at', idColumn: 's.id' });
  }

  /** Ends one session of the user; false when it is not theirs or already ended. */
  async revoke(sessionId: string, userId: string, reason: string): Promise<boolean> {
    const rows = await this.ending(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [sessionId, userId, reason],
    );
    return rows.length > 0;
  }

  /** Ends a session of the tenant (or of any tenant when `tenantId` is null); false when already ended. */
  async revokeInTenant(sessionId: string, tenantId: string | null, reason: string): Promise<boolean> {
    const rows = await this.ending(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
        WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2::uuid) AND revoked_at IS NULL RETURNING id`,
      [sessionId, tenantId, reason],
    );
    return rows.length > 0;
  }

  /** Ends every live session of the user (except `keepSessionId`); returns how many. */
  async revokeAllForUser(userId: string, reason: string, keepSessionId: string | null = null): Promise<number> {
    const rows = await this.ending(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
      [userId, reason, keepSessionId],
    );
    return rows.length;
  }

  /** Ids of sessions ended after `since` (for the revocation feed). */
  async revokedSince(since: Date): Promise<string[]> {
    const rows = await this.uow.db.rows<{ id: string }>(`SELECT id FROM sessions WHERE revoked_at > $1`, [since]);
    return rows.map((r) => r.id);
  }

  /**
   * Deletes sessions that can never be used again: past their absolute lifetime (no refresh token of
   * theirs can still verify) or ended a week ago. In batches, so no sweep holds locks for long.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.uow.db.rows(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions
            WHERE absolute_expires_at < now() - interval '${KEEP_ENDED}'
               OR expires_at < now() - interval '${KEEP_ENDED}'
               OR revoked_at < now() - interval '${KEEP_ENDED}'
            LIMIT 5000)
         RETURNING id`,
      );
      total += rows.length;
      if (rows.length < 5000) return total;
    }
  }
}
