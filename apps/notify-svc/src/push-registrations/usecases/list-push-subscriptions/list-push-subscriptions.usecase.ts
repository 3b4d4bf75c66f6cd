import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { pushSubscriptionView } from '../../push-registration.views.js';
import { PushSubscription } from '../../push-subscription.entity.js';
import { OwnRegistrationsUseCase } from '../own-registrations.usecase.js';

@Injectable()
export class ListPushSubscriptionsUseCase extends OwnRegistrationsUseCase {
  execute(p: Principal, q: PaginationQueryDto) {
    return this.listOwn(p, PushSubscription, q, pushSubscriptionView);
  }
}
