import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';
import { ListProvidersUseCase } from './usecases/list-providers.usecase.js';
import { ManageQuotasUseCase } from './usecases/manage-quotas.usecase.js';

@Module({ controllers: [AdminController], providers: [ManageQuotasUseCase, ListProvidersUseCase] })
export class AdminModule {}
