import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TemplatesCoreModule } from '../templates/templates-core.module.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { CancelDeliveryUseCase } from './usecases/cancel-delivery/cancel-delivery.usecase.js';
import { GetDeliveryUseCase } from './usecases/get-delivery/get-delivery.usecase.js';
import { ListDeliveriesUseCase } from './usecases/list-deliveries/list-deliveries.usecase.js';
import { SendDeliveriesUseCase } from './usecases/send-deliveries/send-deliveries.usecase.js';

@Module({
  imports: [TemplatesCoreModule, NotificationsModule],
  controllers: [DeliveriesController],
  providers: [DeliveriesRepository, SendDeliveriesUseCase, ListDeliveriesUseCase, GetDeliveryUseCase, CancelDeliveryUseCase],
  exports: [SendDeliveriesUseCase, DeliveriesRepository],
})
export class DeliveriesModule {}
