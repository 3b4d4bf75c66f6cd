import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { TemplatesCoreModule } from '../templates/templates-core.module.js';
import { CampaignsCoreModule } from './campaigns-core.module.js';
import { CampaignsController } from './campaigns.controller.js';
import { CancelCampaignUseCase } from './usecases/cancel-campaign/cancel-campaign.usecase.js';
import { CreateCampaignUseCase } from './usecases/create-campaign/create-campaign.usecase.js';
import { DeleteCampaignUseCase } from './usecases/delete-campaign/delete-campaign.usecase.js';
import { GetCampaignUseCase } from './usecases/get-campaign/get-campaign.usecase.js';
import { GetCampaignStatsUseCase } from './usecases/get-campaign-stats/get-campaign-stats.usecase.js';
import { LaunchCampaignUseCase } from './usecases/launch-campaign/launch-campaign.usecase.js';
import { ListCampaignsUseCase } from './usecases/list-campaigns/list-campaigns.usecase.js';
import { PauseCampaignUseCase } from './usecases/pause-campaign/pause-campaign.usecase.js';
import { ResumeCampaignUseCase } from './usecases/resume-campaign/resume-campaign.usecase.js';
import { TestCampaignUseCase } from './usecases/test-campaign/test-campaign.usecase.js';
import { UpdateCampaignUseCase } from './usecases/update-campaign/update-campaign.usecase.js';
import { StreamCampaignStatsUseCase } from './usecases/stream-stats/stream-stats.usecase.js';

/** Campaigns: a template sent to an audience on a schedule, expanded and sent by durable jobs (issue 12). */
@Module({
  imports: [CampaignsCoreModule, ContactsCoreModule, DeliveriesModule, TemplatesCoreModule],
  controllers: [CampaignsController],
  providers: [
    CreateCampaignUseCase,
    ListCampaignsUseCase,
    GetCampaignUseCase,
    GetCampaignStatsUseCase,
    StreamCampaignStatsUseCase,
    UpdateCampaignUseCase,
    DeleteCampaignUseCase,
    LaunchCampaignUseCase,
    PauseCampaignUseCase,
    ResumeCampaignUseCase,
    CancelCampaignUseCase,
    TestCampaignUseCase,
  ],
})
export class CampaignsModule {}
