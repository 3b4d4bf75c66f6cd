import { Module } from '@nestjs/common';
import { ManageWebhookEndpointsUseCase } from './usecases/manage-webhook-endpoints/manage-webhook-endpoints.usecase.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookTargets } from './webhook-targets.js';

@Module({
  controllers: [WebhookEndpointsController],
  providers: [WebhookTargets, ManageWebhookEndpointsUseCase],
  exports: [WebhookTargets],
})
export class WebhookEndpointsModule {}
