import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { AdminController } from './admin.controller.js';
import { ProviderStatsRepository } from './provider-stats.repository.js';
import { GetQuotaUseCase } from './usecases/get-quota/get-quota.usecase.js';
import { ListProvidersUseCase } from './usecases/list-providers/list-providers.usecase.js';
import { SetQuotaUseCase } from './usecases/set-quota/set-quota.usecase.js';

@Module({
  imports: [ChannelsModule],
  controllers: [AdminController],
  providers: [ProviderStatsRepository, GetQuotaUseCase, SetQuotaUseCase, ListProvidersUseCase],
})
export class AdminModule {}
