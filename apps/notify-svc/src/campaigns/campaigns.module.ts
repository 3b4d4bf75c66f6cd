import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TemplatesCoreModule } from '../templates/templates-core.module.js';
import { CampaignsCoreModule } from './campaigns-core.module.js';
import { CampaignsController } from './campaigns.controller.js';
import { ManageCampaignsUseCase } from './usecases/manage-campaigns/manage-campaigns.usecase.js';
import { StreamCampaignStatsUseCase } from './usecases/stream-stats/stream-stats.usecase.js';

/** Campaigns: a template sent to an audience on a schedule, expanded and sent by durable jobs (issue 12). */
@Module({
  imports: [CampaignsCoreModule, ContactsCoreModule, DeliveriesModule, TemplatesCoreModule],
  controllers: [CampaignsController],
  providers: [ManageCampaignsUseCase, StreamCampaignStatsUseCase],
})
export class CampaignsModule {}
