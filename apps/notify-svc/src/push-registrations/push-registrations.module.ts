import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { DevicesController, PushSubscriptionsController } from './push-subscriptions.controller.js';
import { PushTargets } from './push-targets.js';
import { ManageDevicesUseCase } from './usecases/manage-devices/manage-devices.usecase.js';
import { ManagePushSubscriptionsUseCase } from './usecases/manage-push-subscriptions/manage-push-subscriptions.usecase.js';

/** Web Push subscriptions and FCM devices users register for themselves, and the worker's view of them. */
@Module({
  imports: [DeliveriesModule],
  controllers: [PushSubscriptionsController, DevicesController],
  providers: [ManagePushSubscriptionsUseCase, ManageDevicesUseCase, PushTargets],
  exports: [PushTargets],
})
export class PushRegistrationsModule {}
