import { Module } from '@nestjs/common';
import { CreateWebhookEndpointUseCase } from './usecases/create-webhook-endpoint/create-webhook-endpoint.usecase.js';
import { DeleteWebhookEndpointUseCase } from './usecases/delete-webhook-endpoint/delete-webhook-endpoint.usecase.js';
import { GetWebhookEndpointUseCase } from './usecases/get-webhook-endpoint/get-webhook-endpoint.usecase.js';
import { ListWebhookEndpointsUseCase } from './usecases/list-webhook-endpoints/list-webhook-endpoints.usecase.js';
import { RotateWebhookSecretUseCase } from './usecases/rotate-webhook-secret/rotate-webhook-secret.usecase.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WebhookTargets } from './webhook-targets.js';

@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookTargets,
    WebhookEndpointsRepository,
    CreateWebhookEndpointUseCase,
    ListWebhookEndpointsUseCase,
    GetWebhookEndpointUseCase,
    DeleteWebhookEndpointUseCase,
    RotateWebhookSecretUseCase,
  ],
  exports: [WebhookTargets],
})
export class WebhookEndpointsModule {}
