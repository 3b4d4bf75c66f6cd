import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { PushSubscription } from '../../push-subscription.entity.js';
import { OwnRegistrationsUseCase } from '../own-registrations.usecase.js';

@Injectable()
export class DeletePushSubscriptionUseCase extends OwnRegistrationsUseCase {
  execute(p: Principal, id: string) {
    return this.deleteOwn(p, PushSubscription, id, 'Push subscription');
  }
}
