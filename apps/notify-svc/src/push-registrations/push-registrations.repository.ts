import { Injectable } from '@nestjs/common';
import { isUuid, paginate, type Page, type PaginationQueryDto } from '#common';
import type { EntityTarget, FindOptionsWhere } from 'typeorm';
import type { Tx } from '../database/unit-of-work.js';
import { PushDevice } from './push-device.entity.js';
import { PushSubscription } from './push-subscription.entity.js';

type Registration = PushDevice | PushSubscription;

/** A user's push devices and Web Push subscriptions, inside the caller's tenant transaction. */
@Injectable()
export class PushRegistrationsRepository {
  deviceByTokenHash(tx: Tx, hash: string): Promise<PushDevice | null> {
    return tx.repo(PushDevice).findOneBy({ tenant_id: tx.tenantId, token_hash: hash });
  }

  subscriptionByEndpointHash(tx: Tx, hash: string): Promise<PushSubscription | null> {
    return tx.repo(PushSubscription).findOneBy({ tenant_id: tx.tenantId, endpoint_hash: hash });
  }

  /** Inserts or replaces the row; the answer carries the database's defaults (created_at). */
  save<E extends Registration>(tx: Tx, entity: EntityTarget<E>, row: E): Promise<E> {
    return tx.repo(entity).save(row);
  }

  /** A page of one user's devices or subscriptions, newest first. */
  pageOfUser<E extends Registration>(tx: Tx, entity: EntityTarget<E>, userId: string, q: PaginationQueryDto): Promise<Page<E>> {
    const qb = tx
      .repo(entity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId AND r.user_id = :userId', { tenantId: tx.tenantId, userId });
    return paginate(qb, q, { sortColumn: 'r.created_at', idColumn: 'r.id' });
  }

  /** Deletes one of the user's devices or subscriptions; false when there is none with this id (or it is another user's). */
  async deleteOfUser<E extends Registration>(tx: Tx, entity: EntityTarget<E>, userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const gone = await tx.repo(entity).delete({ tenant_id: tx.tenantId, user_id: userId, id } as FindOptionsWhere<E>);
    return Boolean(gone.affected);
  }
}
