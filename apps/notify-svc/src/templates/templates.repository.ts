import { Injectable } from '@nestjs/common';
import { newestFirst, type IsoDates, type Page } from '#common';
import { ownRows, UnitOfWork, type Tx } from '../database/unit-of-work.js';

export interface TemplateRow {
  id: string;
  tenant_id: string;
  key: string;
  name: string;
  description: string | null;
  channels: Record<string, Record<string, string>>;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateVersionRow {
  template_id: string;
  version: number;
  name: string;
  description: string | null;
  channels: Record<string, Record<string, string>>;
  created_by: string;
  created_at: Date;
}

const COLS = 'id, tenant_id, key, name, description, channels, version, created_by, created_at, updated_at';

/** Templates of one tenant; every statement filters by the tenant it is given (and RLS enforces it). */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  create(tenantId: string, t: { key: string; name: string; description?: string; channels: object }, by: string): Promise<TemplateRow> {
    return this.uow.tenant(tenantId, async (tx) => {
      const row = (await tx.one<TemplateRow>(
        `INSERT INTO templates (tenant_id, key, name, description, channels, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
        [tenantId, t.key, t.name, t.description ?? null, JSON.stringify(t.channels), by],
      ))!;
      await this.snapshot(tx, row, by);
      return row;
    });
  }

  update(
    tenantId: string,
    id: string,
    patch: { name?: string; description?: string; channels?: object },
    by: string,
  ): Promise<TemplateRow | undefined> {
    return this.uow.tenant(tenantId, async (tx) => {
      const row = await tx.one<TemplateRow>(
        `UPDATE templates SET name = coalesce($3, name), description = coalesce($4, description),
           channels = jsonb_strip_nulls(channels || coalesce($5::jsonb, '{}'::jsonb)), version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`,
        [tenantId, id, patch.name ?? null, patch.description ?? null, patch.channels ? JSON.stringify(patch.channels) : null],
      );
      if (row) await this.snapshot(tx, row, by);
      return row;
    });
  }

  private async snapshot(tx: Tx, row: TemplateRow, by: string): Promise<void> {
    await tx.exec(
      `INSERT INTO template_versions (tenant_id, template_id, version, name, description, channels, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.tenant_id, row.id, row.version, row.name, row.description, JSON.stringify(row.channels), by],
    );
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return (await this.uow.tenant(tenantId, (tx) => tx.exec('DELETE FROM templates WHERE tenant_id = $1 AND id = $2', [tenantId, id]))) > 0;
  }

  get(tenantId: string, id: string): Promise<TemplateRow | undefined> {
    return this.uow.tenant(tenantId, (tx) => this.find(tx, { id }), { readOnly: true });
  }

  /** By id or by key, in the caller's tenant transaction (the send path). */
  find(tx: Tx, by: { id?: string; key?: string }): Promise<TemplateRow | undefined> {
    if (by.id)
      return tx.one<TemplateRow>(`SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, by.id], 'templates_by_id');
    return tx.one<TemplateRow>(
      `SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND key = $2`,
      [tx.tenantId, by.key],
      'templates_by_key',
    );
  }

  /** By id or by key, in its own transaction. */
  findOne(tenantId: string, by: { id?: string; key?: string }): Promise<TemplateRow | undefined> {
    return this.uow.tenant(tenantId, (tx) => this.find(tx, by), { readOnly: true });
  }

  version(tenantId: string, id: string, version: number): Promise<TemplateVersionRow | undefined> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.one<TemplateVersionRow>(
          `SELECT template_id, version, name, description, channels, created_by, created_at FROM template_versions
           WHERE tenant_id = $1 AND template_id = $2 AND version = $3`,
          [tenantId, id, version],
        ),
      { readOnly: true },
    );
  }

  versions(tenantId: string, id: string): Promise<TemplateVersionRow[]> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.rows<TemplateVersionRow>(
          `SELECT template_id, version, name, description, channels, created_by, created_at FROM template_versions
           WHERE tenant_id = $1 AND template_id = $2 ORDER BY version DESC`,
          [tenantId, id],
        ),
      { readOnly: true },
    );
  }

  list(tenantId: string, limit: number, cursor?: string): Promise<Page<IsoDates<TemplateRow>>> {
    return this.uow.tenant(
      tenantId,
      (tx) => newestFirst<TemplateRow>(tx, { from: 'templates', cols: COLS, ...ownRows(tx), limit, cursor }),
      {
        readOnly: true,
      },
    );
  }
}
