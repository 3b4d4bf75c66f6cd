import { Module } from '@nestjs/common';
import { SecretBox } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { SECRET_CIPHER } from './secret-cipher.js';
import { ManageWebhookEndpointsUseCase } from './usecases/manage-webhook-endpoints/manage-webhook-endpoints.usecase.js';
import { WebhookEndpointsController } from './webhook-endpoints.controller.js';
import { WebhookTargets } from './webhook-targets.js';

@Module({
  controllers: [WebhookEndpointsController],
  providers: [
    WebhookTargets,
    ManageWebhookEndpointsUseCase,
    { provide: SECRET_CIPHER, inject: [NOTIFY_CONFIG], useFactory: (c: NotifyConfig) => new SecretBox(c.CREDENTIALS_ENCRYPTION_KEY) },
  ],
  exports: [WebhookTargets],
})
export class WebhooksModule {}
