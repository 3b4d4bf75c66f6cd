import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { CampaignsCoreModule } from '../campaigns/campaigns-core.module.js';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { WebhookEndpointsModule } from '../webhook-endpoints/webhook-endpoints.module.js';
import { PushRegistrationsModule } from '../push-registrations/push-registrations.module.js';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module.js';
import { WorkflowsCoreModule } from '../workflows/workflows-core.module.js';
import { DeliveryWorkers } from './delivery-workers.js';
import { RetryPolicy } from './retry-policy.js';
import { ProcessDeliveryUseCase } from './usecases/process-delivery/process-delivery.usecase.js';

@Module({
  imports: [
    DeliveriesModule,
    ChannelsModule,
    WebhookEndpointsModule,
    PushRegistrationsModule,
    ProviderAccountsModule,
    NotificationsModule,
    JobsModule,
    TopicsModule,
    ContactsModule,
    CampaignsCoreModule,
    WorkflowsCoreModule,
  ],
  providers: [RetryPolicy, ProcessDeliveryUseCase, DeliveryWorkers],
  exports: [DeliveryWorkers],
})
export class WorkerModule {}
