import type { ContactImportRow } from '../contact-imports.repository.js';

/** An import's progress and its per-row report. */
export function toImportView(r: ContactImportRow) {
  return {
    id: r.id,
    status: r.status,
    totalRows: r.total_rows,
    processedRows: r.processed_rows,
    created: r.created_count,
    updated: r.updated_count,
    unchanged: r.unchanged_count,
    failed: r.failed_count,
    errors: r.errors,
    errorsTruncated: r.errors_truncated,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}
