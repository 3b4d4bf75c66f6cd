import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { PreferencesRepository } from '../../preferences.repository.js';
import { preferencesView } from '../../preferences.view.js';

/** The caller's own preferences. */
@Injectable()
export class GetPreferencesUseCase {
  constructor(private readonly prefs: PreferencesRepository) {}

  async execute(p: Principal) {
    const { prefs, required } = await this.prefs.get(p.tenantId!, p.userId!);
    return preferencesView(prefs, required);
  }
}
