import { Module } from '@nestjs/common';
import { SuppressionsController } from './suppressions.controller.js';
import { SuppressionsRepository } from './suppressions.repository.js';
import { ManageSuppressionsUseCase } from './usecases/manage-suppressions/manage-suppressions.usecase.js';

@Module({
  controllers: [SuppressionsController],
  providers: [SuppressionsRepository, ManageSuppressionsUseCase],
  exports: [SuppressionsRepository],
})
export class SuppressionsModule {}
