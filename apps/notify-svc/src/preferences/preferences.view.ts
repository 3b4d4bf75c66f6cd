import type { CategoryRow, PreferencesRow } from './preferences.repository.js';

/** A user's preferences (empty until they change one) with the tenant's required categories. */
export function preferencesView(prefs: PreferencesRow | undefined, required: string[]) {
  return {
    channels: prefs?.channels ?? {},
    categories: prefs?.categories ?? {},
    requiredCategories: required,
    updatedAt: prefs?.updated_at ?? null,
  };
}

export const categoryView = (r: CategoryRow) => ({ key: r.key, required: r.required, description: r.description, updatedAt: r.updated_at });
