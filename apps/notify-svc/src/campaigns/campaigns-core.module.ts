import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TemplatesCoreModule } from '../templates/templates-core.module.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignClock } from './clock.js';
import { RunCampaignUseCase } from './usecases/run-campaign/run-campaign.usecase.js';

/** The campaign store and its jobs (the worker imports this). */
@Module({
  imports: [ContactsCoreModule, DeliveriesModule, TemplatesCoreModule],
  providers: [CampaignsRepository, CampaignClock, RunCampaignUseCase],
  exports: [CampaignsRepository, CampaignClock, RunCampaignUseCase],
})
export class CampaignsCoreModule {}
