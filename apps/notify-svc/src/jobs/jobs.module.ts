import { Module } from '@nestjs/common';
import { JobsController } from './jobs.controller.js';
import { RunMaintenanceUseCase } from './usecases/run-maintenance.usecase.js';

@Module({ controllers: [JobsController], providers: [RunMaintenanceUseCase], exports: [RunMaintenanceUseCase] })
export class JobsModule {}
