import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { CampaignsCoreModule } from '../campaigns/campaigns-core.module.js';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TopicsModule } from '../topics/topics.module.js';
import { WebhookEndpointsModule } from '../webhook-endpoints/webhook-endpoints.module.js';
import { PushRegistrationsModule } from '../push-registrations/push-registrations.module.js';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module.js';
import { WorkflowsCoreModule } from '../workflows/workflows-core.module.js';
import { JobsController } from './jobs.controller.js';
import { JobWorkers } from './job-workers.js';
import { RetryPolicy } from './retry-policy.js';
import { ProcessDeliveryUseCase } from './usecases/process-delivery/process-delivery.usecase.js';
import { RunMaintenanceUseCase } from './usecases/run-maintenance/run-maintenance.usecase.js';

/**
 * The jobs: the runner (JobWorkers, every task type, the heartbeat sweep), the delivery attempt it
 * runs, and the maintenance jobs, also callable on /notify/v1/jobs. Adding jobs is JobQueue's
 * (job-queue.ts, global through JobQueueModule), so feature modules enqueue without importing this one.
 */
@Module({
  imports: [
    DeliveriesModule,
    ChannelsModule,
    WebhookEndpointsModule,
    PushRegistrationsModule,
    ProviderAccountsModule,
    NotificationsModule,
    TopicsModule,
    ContactsModule,
    CampaignsCoreModule,
    WorkflowsCoreModule,
  ],
  controllers: [JobsController],
  providers: [RunMaintenanceUseCase, RetryPolicy, ProcessDeliveryUseCase, JobWorkers],
  exports: [RunMaintenanceUseCase, JobWorkers],
})
export class JobsModule {}
