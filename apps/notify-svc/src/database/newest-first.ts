import { cursorPosition, pageOf, type Page } from '#common';
import type { Tx } from './unit-of-work.js';

export interface NewestFirstQuery {
  from: string; // table, with its alias if `alias` is set: 'contacts c'
  cols: string;
  /** Conditions over `params` (already pushed); default: the tenant's rows (`tenant_id = $1`, the tenant pushed here). */
  where?: string;
  params?: unknown[];
  alias?: string; // 'c' → c.created_at, c.id
  limit: number;
  cursor?: string;
}

/** A keyset page of a tenant's rows, newest first by (created_at, id): the order every list route of notify-svc uses. */
export function newestFirst<T extends { id: string; created_at: Date }>(tx: Tx, q: NewestFirstQuery): Promise<Page<T>> {
  const params = q.params ?? [tx.tenantId];
  const p = q.alias ? `${q.alias}.` : '';
  let where = q.where ?? 'tenant_id = $1';
  if (q.cursor) {
    const c = cursorPosition(q.cursor);
    where += ` AND (${p}created_at, ${p}id) < ($${params.push(c.at)}, $${params.push(c.id)})`;
  }
  const limitAt = params.push(q.limit + 1);
  return tx
    .rows<T>(`SELECT ${q.cols} FROM ${q.from} WHERE ${where} ORDER BY ${p}created_at DESC, ${p}id DESC LIMIT $${limitAt}`, params)
    .then((rows) => pageOf(rows, q.limit, (r) => r.created_at));
}
