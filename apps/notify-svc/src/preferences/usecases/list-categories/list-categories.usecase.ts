import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { PreferencesRepository } from '../../preferences.repository.js';
import { categoryView } from '../../preferences.view.js';

/** The tenant's categories and which are required. */
@Injectable()
export class ListCategoriesUseCase {
  constructor(private readonly prefs: PreferencesRepository) {}

  async execute(p: Principal) {
    return (await this.prefs.categories(p.tenantId!)).map(categoryView);
  }
}
