import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { paginate, queryRows, type Page, type PaginationQueryDto, type PlanTier, type Role } from '#common';
import { RevocationEvents } from '../revocations/revocation-events.js';
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

/** Why a session might refuse a token: for explaining a refused refresh. */
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

// One statement decides a refresh: the session's current token (or, within the grace period, the
// one it just replaced) is swapped for the new one. Concurrent refreshes with one token queue on the
// row lock; the second re-checks the WHERE against the updated row and matches nothing.
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
    AND s.revoked_at IS NULL AND s.expires_at > now() AND s.absolute_expires_at > now()
    AND (s.current_token_hash = $2
         OR ($5 > 0 AND s.previous_token_hash = $2 AND s.rotated_at > now() - make_interval(secs => $5)))
  RETURNING s.expires_at, u.id AS user_id, u.tenant_id, u.email, u.roles, t.plan_tier`;

/** Ended sessions stay listed this long for investigations (their events are in the audit trail for good). */
const KEEP_ENDED = '7 days';

/** The one writer (and reader) of the `sessions` table. */
@Injectable()
export class SessionStore {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly events: RevocationEvents,
  ) {}

  /**
   * Runs an UPDATE that ends sessions (`RETURNING id`) in `em`'s transaction, or in one of its own,
   * and announces the ended ids in the same transaction (every auth-svc instance refuses them at once).
   */
  private async ending(em: EntityManager | undefined, sql: string, params: unknown[]): Promise<string[]> {
    const run = async (m: EntityManager) => {
      const ids = (await queryRows<{ id: string }>(m, sql, params)).map((r) => r.id);
      if (ids.length) await this.events.publish(m, { sessions: ids });
      return ids;
    };
    return em?.queryRunner?.isTransactionActive ? run(em) : this.dataSource.transaction(run);
  }

  async start(s: NewSession, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.getRepository(Session).insert({
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
    const rows = await queryRows<RotatedSession>(this.dataSource, ROTATE_SQL, [
      sessionId,
      oldHash,
      newHash,
      o.ttlSeconds,
      o.reuseGraceSeconds,
      o.ip,
    ]);
    return rows[0] ?? null;
  }

  async state(sessionId: string): Promise<SessionState | null> {
    const rows = await queryRows<SessionState>(
      this.dataSource,
      `SELECT s.user_id, s.tenant_id, s.revoked_at, s.current_token_hash,
              (s.expires_at > now() AND s.absolute_expires_at > now()) AS live, u.is_active
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    return rows[0] ?? null;
  }

  async standing(sessionId: string, tokenHash: Buffer): Promise<SessionStanding | null> {
    const rows = await queryRows<SessionStanding>(
      this.dataSource,
      `SELECT s.revoked_at, (s.expires_at > now() AND s.absolute_expires_at > now()) AS live,
              s.current_token_hash = $2 AS current, u.is_active, u.roles, u.email, t.plan_tier
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id
        WHERE s.id = $1`,
      [sessionId, tokenHash],
    );
    return rows[0] ?? null;
  }

  listLive(userId: string, query: PaginationQueryDto): Promise<Page<Session>> {
    const qb = this.sessions
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId })
      .andWhere('s.revoked_at IS NULL')
      .andWhere('s.expires_at > now()')
      .andWhere('s.absolute_expires_at > now()');
    return paginate(qb, query, { sortColumn: 's.created_at', idColumn: 's.id' });
  }

  /** Ends one session of the user; false when it is not theirs or already ended. */
  async revoke(sessionId: string, userId: string, reason: string, em?: EntityManager): Promise<boolean> {
    const rows = await this.ending(
      em,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [sessionId, userId, reason],
    );
    return rows.length > 0;
  }

  /** Ends a session of the tenant (or of any tenant when `tenantId` is null); false when already ended. */
  async revokeInTenant(sessionId: string, tenantId: string | null, reason: string, em?: EntityManager): Promise<boolean> {
    const rows = await this.ending(
      em,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
        WHERE id = $1 AND ($2::uuid IS NULL OR tenant_id = $2::uuid) AND revoked_at IS NULL RETURNING id`,
      [sessionId, tenantId, reason],
    );
    return rows.length > 0;
  }

  /** Ends every live session of the user (except `keepSessionId`); returns how many. */
  async revokeAllForUser(userId: string, reason: string, keepSessionId?: string | null, em?: EntityManager): Promise<number> {
    const rows = await this.ending(
      em,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
      [userId, reason, keepSessionId ?? null],
    );
    return rows.length;
  }

  /** Ids of sessions ended after `since` (for the revocation feed). */
  async revokedSince(since: Date): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(this.dataSource, `SELECT id FROM sessions WHERE revoked_at > $1`, [since]);
    return rows.map((r) => r.id);
  }

  /**
   * Deletes sessions that can never be used again: past their absolute lifetime (no refresh token of
   * theirs can still verify) or ended a week ago. In batches, so no sweep holds locks for long.
   */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await queryRows(
        this.dataSource,
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
