import { Module } from '@nestjs/common';
import { SuppressionsController } from './suppressions.controller.js';
import { SuppressionsRepository } from './suppressions.repository.js';
import { CreateSuppressionUseCase } from './usecases/create-suppression/create-suppression.usecase.js';
import { DeleteSuppressionUseCase } from './usecases/delete-suppression/delete-suppression.usecase.js';
import { ListSuppressionsUseCase } from './usecases/list-suppressions/list-suppressions.usecase.js';

@Module({
  controllers: [SuppressionsController],
  providers: [SuppressionsRepository, CreateSuppressionUseCase, ListSuppressionsUseCase, DeleteSuppressionUseCase],
  exports: [SuppressionsRepository],
})
export class SuppressionsModule {}
