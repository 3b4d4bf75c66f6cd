import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { CATEGORY_KEY } from '../../../deliveries/dtos/send-delivery.dto.js';
import { CHANNELS } from '../../../channels/channel-registry.js';
import type { UpdatePreferencesDto } from '../../dtos/preferences.dto.js';
import { PreferencesRepository } from '../../preferences.repository.js';
import { preferencesView } from '../../preferences.view.js';

const CHANNEL_KEYS = new Set<string>(CHANNELS);

/** Merges a change into the caller's preferences; categories the tenant marked required cannot be turned off. */
@Injectable()
export class UpdatePreferencesUseCase {
  constructor(private readonly prefs: PreferencesRepository) {}

  async execute(p: Principal, dto: UpdatePreferencesDto) {
    const problems = validate(dto);
    if (problems.length) throw AppException.validation('Invalid preferences', problems);
    const r = await this.prefs.put(
      p.tenantId!,
      p.userId!,
      (cur) => ({
        channels: { ...(cur?.channels ?? {}), ...(dto.channels ?? {}) },
        categories: { ...(cur?.categories ?? {}), ...(dto.categories ?? {}) },
        updated_at: null,
      }),
      (next) =>
        Object.entries(dto.categories ?? {})
          .filter(([k]) => Object.values(next.categories[k] ?? {}).includes(false))
          .map(([k]) => k),
    );
    if (r.blocked) {
      throw AppException.unprocessable(
        'Required categories cannot be turned off',
        r.blocked.map((k) => ({ field: `categories.${k}`, message: 'required by your organisation' })),
      );
    }
    const { required } = await this.prefs.get(p.tenantId!, p.userId!);
    return preferencesView(r.row, required);
  }
}

function validate(dto: UpdatePreferencesDto): Array<{ field: string; messages: string[] }> {
  const out: Array<{ field: string; messages: string[] }> = [];
  for (const [k, v] of Object.entries(dto.channels ?? {})) {
    if (!CHANNEL_KEYS.has(k)) out.push({ field: `channels.${k}`, messages: [`unknown channel; use ${CHANNELS.join(', ')}`] });
    else if (typeof v !== 'boolean') out.push({ field: `channels.${k}`, messages: ['must be true or false'] });
  }
  const cats = Object.entries(dto.categories ?? {});
  if (cats.length > 100) out.push({ field: 'categories', messages: ['at most 100 categories'] });
  for (const [cat, v] of cats) {
    if (!CATEGORY_KEY.test(cat)) out.push({ field: `categories.${cat}`, messages: ['category keys are lowercase letters, digits, _ . -'] });
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      out.push({ field: `categories.${cat}`, messages: ['must be an object of channel: boolean'] });
      continue;
    }
    for (const [ch, on] of Object.entries(v)) {
      if (ch !== 'all' && !CHANNEL_KEYS.has(ch)) out.push({ field: `categories.${cat}.${ch}`, messages: ['unknown channel'] });
      else if (typeof on !== 'boolean') out.push({ field: `categories.${cat}.${ch}`, messages: ['must be true or false'] });
    }
  }
  return out;
}
