import { Module } from '@nestjs/common';
import { PreferencesController } from './preferences.controller.js';
import { PreferencesRepository } from './preferences.repository.js';
import { ManagePreferencesUseCase } from './usecases/manage-preferences/manage-preferences.usecase.js';

@Module({ controllers: [PreferencesController], providers: [PreferencesRepository, ManagePreferencesUseCase] })
export class PreferencesModule {}
