import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { TemplatesCoreModule } from '../templates/templates-core.module.js';
import { WebhookEndpointsModule } from '../webhook-endpoints/webhook-endpoints.module.js';
import { AcceptPipeline } from './accept/accept-pipeline.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesRepository } from './deliveries.repository.js';
import { GroupSendsRepository } from './group-sends.repository.js';
import { CancelDeliveryUseCase } from './usecases/cancel-delivery/cancel-delivery.usecase.js';
import { GetDeliveryUseCase } from './usecases/get-delivery/get-delivery.usecase.js';
import { ListDeliveriesUseCase } from './usecases/list-deliveries/list-deliveries.usecase.js';
import { SendDeliveriesUseCase } from './usecases/send-deliveries/send-deliveries.usecase.js';
import { RetryDeliveryUseCase } from './usecases/retry-delivery/retry-delivery.usecase.js';
import { SendToGroupUseCase } from './usecases/send-to-group/send-to-group.usecase.js';
import { DeliveryPolicy } from './policy/delivery-policy.js';
import { PolicyFactsRepository } from './policy/policy-facts.repository.js';

@Module({
  imports: [TemplatesCoreModule, WebhookEndpointsModule, ContactsCoreModule],
  controllers: [DeliveriesController],
  providers: [
    AcceptPipeline,
    DeliveriesRepository,
    GroupSendsRepository,
    DeliveryPolicy,
    PolicyFactsRepository,
    SendDeliveriesUseCase,
    ListDeliveriesUseCase,
    GetDeliveryUseCase,
    CancelDeliveryUseCase,
    RetryDeliveryUseCase,
    SendToGroupUseCase,
  ],
  exports: [AcceptPipeline, SendDeliveriesUseCase, SendToGroupUseCase, DeliveriesRepository, DeliveryPolicy, PolicyFactsRepository],
})
export class DeliveriesModule {}
