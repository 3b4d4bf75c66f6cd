import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';
import type { RowError } from './contact-import-csv.js';
import { IMPORT_ERRORS_KEPT } from './entities/contact.entity.js';

export interface ContactImportRow {
  id: string;
  status: string;
  total_rows: number;
  processed_rows: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  failed_count: number;
  errors: RowError[];
  errors_truncated: boolean;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** What one chunk of the import did. */
export interface ImportChunkCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
}

const IMPORT_COLS =
  'id, status, total_rows, processed_rows, created_count, updated_count, unchanged_count, failed_count, errors, errors_truncated, created_at, updated_at, finished_at';

/** CSV imports of contacts: the stored file until the job finished, the progress and the per-row report; in the caller's tenant transaction. */
@Injectable()
export class ContactImportsRepository {
  async insert(tx: Tx, id: string, v: { source: string; columns: string[]; totalRows: number }, by: string): Promise<ContactImportRow> {
    return (await tx.one<ContactImportRow>(
      `INSERT INTO contact_imports (id, tenant_id, status, source, columns, total_rows, created_by)
       VALUES ($1, $2, 'queued', $3, $4, $5, $6) RETURNING ${IMPORT_COLS}`,
      [id, tx.tenantId, v.source, v.columns, v.totalRows, by],
    ))!;
  }

  find(tx: Tx, id: string): Promise<ContactImportRow | undefined> {
    return tx.one<ContactImportRow>(`SELECT ${IMPORT_COLS} FROM contact_imports WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, id]);
  }

  /** Marks a queued or running import running; undefined when it finished (or is not this tenant's). */
  start(tx: Tx, id: string): Promise<{ status: string; source: string | null; processed_rows: number } | undefined> {
    return tx.one<{ status: string; source: string | null; processed_rows: number }>(
      `UPDATE contact_imports SET status = 'running', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
       RETURNING status, source, processed_rows`,
      [tx.tenantId, id],
    );
  }

  /** Adds a chunk's counts and errors (at most IMPORT_ERRORS_KEPT errors kept; errors_truncated beyond). */
  async recordChunk(tx: Tx, id: string, c: ImportChunkCounts, errors: RowError[]): Promise<void> {
    await tx.exec(
      `UPDATE contact_imports SET processed_rows = processed_rows + $3, created_count = created_count + $4, updated_count = updated_count + $5,
         unchanged_count = unchanged_count + $6, failed_count = failed_count + $7,
         errors = CASE WHEN jsonb_array_length(errors) >= $8 THEN errors
                       ELSE errors || (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements($9::jsonb) e LIMIT $8 - jsonb_array_length(errors)) s) END,
         errors_truncated = errors_truncated OR jsonb_array_length(errors) + jsonb_array_length($9::jsonb) > $8,
         updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id, c.processed, c.created, c.updated, c.unchanged, errors.length, IMPORT_ERRORS_KEPT, JSON.stringify(errors)],
    );
  }

  /** The import is done: completed, and the stored file dropped. */
  async complete(tx: Tx, id: string): Promise<void> {
    await tx.exec(
      `UPDATE contact_imports SET status = 'completed', source = NULL, finished_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id],
    );
  }
}
