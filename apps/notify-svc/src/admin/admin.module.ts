import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { AdminController } from './admin.controller.js';
import { ListProvidersUseCase } from './usecases/list-providers.usecase.js';
import { ManageQuotasUseCase } from './usecases/manage-quotas.usecase.js';

@Module({ imports: [ChannelsModule], controllers: [AdminController], providers: [ManageQuotasUseCase, ListProvidersUseCase] })
export class AdminModule {}
