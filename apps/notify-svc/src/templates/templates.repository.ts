import { cursorPosition, pageOf } from '#common';
import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import { TenantDb, type TenantSql } from '../tenancy/tenant-db.js';

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
  constructor(private readonly db: TenantDb) {}

  create(tenantId: string, t: { key: string; name: string; description?: string; channels: object }, by: string): Promise<TemplateRow> {
    return this.db.tx(tenantId, async (sql) => {
      const row = (await sql.one<TemplateRow>(
        `INSERT INTO templates (tenant_id, key, name, description, channels, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
        [tenantId, t.key, t.name, t.description ?? null, JSON.stringify(t.channels), by],
      ))!;
      await this.snapshot(sql, row, by);
      return row;
    });
  }

  update(
    tenantId: string,
    id: string,
    patch: { name?: string; description?: string; channels?: object },
    by: string,
  ): Promise<TemplateRow | undefined> {
    return this.db.tx(tenantId, async (sql) => {
      const row = await sql.one<TemplateRow>(
        `UPDATE templates SET name = coalesce($3, name), description = coalesce($4, description),
           channels = jsonb_strip_nulls(channels || coalesce($5::jsonb, '{}'::jsonb)), version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`,
        [tenantId, id, patch.name ?? null, patch.description ?? null, patch.channels ? JSON.stringify(patch.channels) : null],
      );
      if (row) await this.snapshot(sql, row, by);
      return row;
    });
  }

  private async snapshot(sql: TenantSql, row: TemplateRow, by: string): Promise<void> {
    await sql.exec(
      `INSERT INTO template_versions (tenant_id, template_id, version, name, description, channels, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.tenant_id, row.id, row.version, row.name, row.description, JSON.stringify(row.channels), by],
    );
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return (await this.db.tx(tenantId, (sql) => sql.exec('DELETE FROM templates WHERE tenant_id = $1 AND id = $2', [tenantId, id]))) > 0;
  }

  get(tenantId: string, id: string): Promise<TemplateRow | undefined> {
    return this.db.tx(tenantId, (sql) => this.find(sql, tenantId, { id }), { readOnly: true });
  }

  /** By id or by key, in one round trip (the send path). */
  async findOne(tenantId: string, by: { id?: string; key?: string }): Promise<TemplateRow | undefined> {
    const rows = by.id
      ? await this.db.once<TemplateRow>(tenantId, `SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND id = $2`, [tenantId, by.id], {
          readOnly: true,
        })
      : await this.db.once<TemplateRow>(tenantId, `SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND key = $2`, [tenantId, by.key], {
          readOnly: true,
        });
    return rows[0];
  }

  /** By id or by key, inside a caller's transaction. */
  find(sql: TenantSql, tenantId: string, by: { id?: string; key?: string }): Promise<TemplateRow | undefined> {
    if (by.id) return sql.one<TemplateRow>(`SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND id = $2`, [tenantId, by.id]);
    return sql.one<TemplateRow>(`SELECT ${COLS} FROM templates WHERE tenant_id = $1 AND key = $2`, [tenantId, by.key]);
  }

  version(tenantId: string, id: string, version: number): Promise<TemplateVersionRow | undefined> {
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.one<TemplateVersionRow>(
          `SELECT template_id, version, name, description, channels, created_by, created_at FROM template_versions
           WHERE tenant_id = $1 AND template_id = $2 AND version = $3`,
          [tenantId, id, version],
        ),
      { readOnly: true },
    );
  }

  versions(tenantId: string, id: string): Promise<TemplateVersionRow[]> {
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.rows<TemplateVersionRow>(
          `SELECT template_id, version, name, description, channels, created_by, created_at FROM template_versions
           WHERE tenant_id = $1 AND template_id = $2 ORDER BY version DESC`,
          [tenantId, id],
        ),
      { readOnly: true },
    );
  }

  list(tenantId: string, limit: number, cursor?: string): Promise<Page<TemplateRow>> {
    return this.db.tx(
      tenantId,
      async (sql) => {
        const params: unknown[] = [tenantId, limit + 1];
        let where = 'tenant_id = $1';
        if (cursor) {
          const c = cursorPosition(cursor);
          params.push(c.at, c.id);
          where += ' AND (created_at, id) < ($3, $4)';
        }
        const rows = await sql.rows<TemplateRow>(
          `SELECT ${COLS} FROM templates WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
          params,
        );
        return pageOf(rows, limit, (r) => r.created_at);
      },
      { readOnly: true },
    );
  }
}
