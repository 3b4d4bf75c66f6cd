import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';
import { pageOfLiveCredentials } from '../introspection/live-credentials.js';
import { PersonalToken } from './personal-token.entity.js';

/** The personal_tokens table, in the open transaction when there is one. */
@Injectable()
export class PersonalTokenStore {
  constructor(private readonly uow: UnitOfWork) {}

  /** A page of the user's tokens that are not revoked (expired ones included), newest first. */
  listLiveOf(userId: string, query: PaginationQueryDto): Promise<Page<PersonalToken>> {
    return pageOfLiveCredentials(this.uow.db.repo(PersonalToken), { column: 'user_id', id: userId }, query);
  }

  /** The user's token, row-locked until the open transaction ends. */
  findOwnForUpdate(userId: string, id: string): Promise<PersonalToken | null> {
    return this.uow.db.repo(PersonalToken).findOne({ where: { id, userId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Saves a new token. */
  insert(fields: Omit<PersonalToken, 'createdAt'>): Promise<PersonalToken> {
    const tokens = this.uow.db.repo(PersonalToken);
    return tokens.save(tokens.create(fields));
  }

  /** Marks a token revoked now and replaced by its successor. */
  async markReplaced(id: string, successorId: string): Promise<void> {
    await this.uow.db.repo(PersonalToken).update({ id }, { revokedAt: new Date(), replacedBy: successorId });
  }

  /**
   * Revokes a live token of the tenant (of `userId` only, unless null); null when unknown, already
   * revoked or not that user's.
   */
  async revoke(tenantId: string, id: string, userId: string | null): Promise<{ revokedAt: Date; userId: string } | null> {
    const row = await this.uow.db.one<{ revoked_at: Date; user_id: string }>(
      `UPDATE personal_tokens SET revoked_at = now()
        WHERE id = $1 AND tenant_id = $2 AND ($3::uuid IS NULL OR user_id = $3::uuid) AND revoked_at IS NULL
        RETURNING revoked_at, user_id`,
      [id, tenantId, userId],
    );
    return row ? { revokedAt: row.revoked_at, userId: row.user_id } : null;
  }
}
