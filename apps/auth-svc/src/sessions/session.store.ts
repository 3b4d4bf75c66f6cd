import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type Repository } from 'typeorm';
import { paginate, queryRows, type Page, type PaginationQueryDto } from '#common';
import { Session } from './session.entity.js';

/** Reading and ending sessions. Creating and rotating them is TokenService's job. */
@Injectable()
export class SessionStore {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
  ) {}

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
  async revoke(sessionId: string, userId: string, reason: string, em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = await queryRows(
      em,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [sessionId, userId, reason],
    );
    return rows.length > 0;
  }

  /** Ends every live session of the user (except `keepSessionId`); returns how many. */
  async revokeAllForUser(
    userId: string,
    reason: string,
    keepSessionId?: string | null,
    em: EntityManager = this.dataSource.manager,
  ): Promise<number> {
    const rows = await queryRows(
      em,
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid) RETURNING id`,
      [userId, reason, keepSessionId ?? null],
    );
    return rows.length;
  }
}
