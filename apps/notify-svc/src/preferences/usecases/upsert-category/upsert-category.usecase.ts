import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { CATEGORY_KEY } from '../../../deliveries/dtos/send-delivery.dto.js';
import type { UpsertCategoryDto } from '../../dtos/preferences.dto.js';
import { PreferencesRepository } from '../../preferences.repository.js';
import { categoryView } from '../../preferences.view.js';

/** An admin marks a category required (users cannot opt out of it) or optional. */
@Injectable()
export class UpsertCategoryUseCase {
  constructor(private readonly prefs: PreferencesRepository) {}

  async execute(p: Principal, key: string, dto: UpsertCategoryDto) {
    if (!CATEGORY_KEY.test(key))
      throw AppException.validation('Invalid category key', [{ field: 'key', messages: ['lowercase letters, digits, _ . - (max 64)'] }]);
    return categoryView(await this.prefs.upsertCategory(p.tenantId!, key, dto.required, dto.description));
  }
}
