import { Injectable } from '@nestjs/common';
import { AppException, type PaginationQueryDto, type Principal } from '#common';
import type { EntityTarget } from 'typeorm';
import { UnitOfWork } from '../../database/unit-of-work.js';
import type { PushDevice } from '../push-device.entity.js';
import { ownerOf } from '../push-owner.js';
import { PushRegistrationsRepository } from '../push-registrations.repository.js';
import type { PushSubscription } from '../push-subscription.entity.js';

/**
 * The base of the list and delete use cases of devices and subscriptions: they belong to a user,
 * and another user's (like another tenant's) is answered as not found.
 */
@Injectable()
export abstract class OwnRegistrationsUseCase {
  constructor(
    protected readonly uow: UnitOfWork,
    protected readonly registrations: PushRegistrationsRepository,
  ) {}

  protected listOwn<E extends PushDevice | PushSubscription, V>(
    p: Principal,
    entity: EntityTarget<E>,
    q: PaginationQueryDto,
    view: (e: E) => V,
  ) {
    const userId = ownerOf(p);
    return this.uow.tenant(p.tenantId, async (tx) => (await this.registrations.pageOfUser(tx, entity, userId, q)).map(view));
  }

  protected async deleteOwn(
    p: Principal,
    entity: EntityTarget<PushDevice | PushSubscription>,
    id: string,
    what: string,
  ): Promise<{ deleted: true }> {
    const userId = ownerOf(p);
    await this.uow.tenant(p.tenantId, async (tx) => {
      if (!(await this.registrations.deleteOfUser(tx, entity, userId, id))) throw AppException.notFound(what);
    });
    return { deleted: true };
  }
}
