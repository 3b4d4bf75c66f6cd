import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work.js';

export interface PreferencesRow {
  channels: Record<string, boolean>;
  categories: Record<string, Record<string, boolean>>;
  updated_at: Date | null;
}
export interface CategoryRow {
  key: string;
  required: boolean;
  description: string | null;
  updated_at: Date;
}

@Injectable()
export class PreferencesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  get(tenantId: string, userId: string): Promise<{ prefs?: PreferencesRow; required: string[] }> {
    return this.uow.tenant(
      tenantId,
      async (tx) => ({
        prefs: await tx.one<PreferencesRow>(
          'SELECT channels, categories, updated_at FROM preferences WHERE tenant_id = $1 AND user_id = $2',
          [tenantId, userId],
        ),
        required: (
          await tx.rows<{ key: string }>('SELECT key FROM notification_categories WHERE tenant_id = $1 AND required ORDER BY key', [
            tenantId,
          ])
        ).map((r) => r.key),
      }),
      { readOnly: true },
    );
  }

  /** Writes the merged preferences unless one of the opted-out categories is required (returned then). */
  put(tenantId: string, userId: string, merge: (current?: PreferencesRow) => PreferencesRow, optedOut: (p: PreferencesRow) => string[]) {
    return this.uow.tenant(tenantId, async (tx) => {
      const current = await tx.one<PreferencesRow>(
        'SELECT channels, categories, updated_at FROM preferences WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE',
        [tenantId, userId],
      );
      const next = merge(current);
      const out = optedOut(next);
      if (out.length) {
        const blocked = await tx.rows<{ key: string }>(
          'SELECT key FROM notification_categories WHERE tenant_id = $1 AND required AND key = ANY($2)',
          [tenantId, out],
        );
        if (blocked.length) return { blocked: blocked.map((b) => b.key) };
      }
      const row = (await tx.one<PreferencesRow>(
        `INSERT INTO preferences (tenant_id, user_id, channels, categories) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET channels = EXCLUDED.channels, categories = EXCLUDED.categories, updated_at = now()
         RETURNING channels, categories, updated_at`,
        [tenantId, userId, JSON.stringify(next.channels), JSON.stringify(next.categories)],
      ))!;
      return { row };
    });
  }

  categories(tenantId: string): Promise<CategoryRow[]> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.rows<CategoryRow>(
          'SELECT key, required, description, updated_at FROM notification_categories WHERE tenant_id = $1 ORDER BY key',
          [tenantId],
        ),
      { readOnly: true },
    );
  }

  upsertCategory(tenantId: string, key: string, required: boolean, description?: string): Promise<CategoryRow> {
    return this.uow.tenant(
      tenantId,
      async (tx) =>
        (await tx.one<CategoryRow>(
          `INSERT INTO notification_categories (tenant_id, key, required, description) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, key) DO UPDATE SET required = EXCLUDED.required,
             description = coalesce(EXCLUDED.description, notification_categories.description), updated_at = now()
           RETURNING key, required, description, updated_at`,
          [tenantId, key, required, description ?? null],
        ))!,
    );
  }
}
