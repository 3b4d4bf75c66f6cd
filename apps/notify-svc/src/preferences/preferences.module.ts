import { Module } from '@nestjs/common';
import { PreferencesController } from './preferences.controller.js';
import { PreferencesRepository } from './preferences.repository.js';
import { GetPreferencesUseCase } from './usecases/get-preferences/get-preferences.usecase.js';
import { ListCategoriesUseCase } from './usecases/list-categories/list-categories.usecase.js';
import { UpdatePreferencesUseCase } from './usecases/update-preferences/update-preferences.usecase.js';
import { UpsertCategoryUseCase } from './usecases/upsert-category/upsert-category.usecase.js';

@Module({
  controllers: [PreferencesController],
  providers: [PreferencesRepository, GetPreferencesUseCase, UpdatePreferencesUseCase, ListCategoriesUseCase, UpsertCategoryUseCase],
})
export class PreferencesModule {}
