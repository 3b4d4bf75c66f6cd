import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { DevicesController, PushSubscriptionsController } from './push-subscriptions.controller.js';
import { PushRegistrationsRepository } from './push-registrations.repository.js';
import { PushTargets } from './push-targets.js';
import { CreatePushSubscriptionUseCase } from './usecases/create-push-subscription/create-push-subscription.usecase.js';
import { DeleteDeviceUseCase } from './usecases/delete-device/delete-device.usecase.js';
import { DeletePushSubscriptionUseCase } from './usecases/delete-push-subscription/delete-push-subscription.usecase.js';
import { GetVapidPublicKeyUseCase } from './usecases/get-vapid-public-key/get-vapid-public-key.usecase.js';
import { ListDevicesUseCase } from './usecases/list-devices/list-devices.usecase.js';
import { ListPushSubscriptionsUseCase } from './usecases/list-push-subscriptions/list-push-subscriptions.usecase.js';
import { RegisterDeviceUseCase } from './usecases/register-device/register-device.usecase.js';

/** Web Push subscriptions and FCM devices users register for themselves, and the worker's view of them. */
@Module({
  imports: [DeliveriesModule],
  controllers: [PushSubscriptionsController, DevicesController],
  providers: [
    PushRegistrationsRepository,
    GetVapidPublicKeyUseCase,
    CreatePushSubscriptionUseCase,
    ListPushSubscriptionsUseCase,
    DeletePushSubscriptionUseCase,
    RegisterDeviceUseCase,
    ListDevicesUseCase,
    DeleteDeviceUseCase,
    PushTargets,
  ],
  exports: [PushTargets],
})
export class PushRegistrationsModule {}
