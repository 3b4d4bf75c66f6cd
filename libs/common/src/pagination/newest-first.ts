import type { IsoDates } from '../database/iso-timestamps.js';
import type { Page } from '../envelope/envelope.js';
import { cursorPosition, pageOf } from './keyset-page.js';

/**
 * What runs one SQL statement and returns its rows as an answer writes them (timestamps as ISO
 * strings, `ISO_TIMESTAMP_TYPES`): notify-svc's Tx (its unit of work's transaction), `view`.
 */
export interface RowReader {
  view<T>(sql: string, params?: unknown[], name?: string): Promise<IsoDates<T>[]>;
}

export interface NewestFirstQuery {
  from: string; // table, with its alias if `alias` is set: 'contacts c'
  cols: string;
  /** Conditions over `params` (their placeholders already pushed), e.g. `tenant_id = $1`. */
  where: string;
  params: unknown[];
  alias?: string; // 'c' → c.created_at, c.id
  limit: number;
  cursor?: string;
}

/**
 * The keyset paginator for hand-written SQL (`paginate` is the one for TypeORM query builders; both
 * share pageOf and the cursor codec): a page newest first by (created_at, id), the order every list
 * route of notify-svc uses. Adds the cursor condition and asks for limit+1 rows. The rows are read
 * for the answer: their timestamps come as the ISO strings it carries (docs/benchmarks.md, issue 18).
 */
export async function newestFirst<T extends { id: string; created_at: Date }>(
  db: RowReader,
  q: NewestFirstQuery,
): Promise<Page<IsoDates<T>>> {
  const params = [...q.params];
  const p = q.alias ? `${q.alias}.` : '';
  let where = q.where;
  if (q.cursor) {
    const c = cursorPosition(q.cursor);
    where += ` AND (${p}created_at, ${p}id) < ($${params.push(c.at)}, $${params.push(c.id)})`;
  }
  const limitAt = params.push(q.limit + 1);
  const rows = (await db.view<T>(
    `SELECT ${q.cols} FROM ${q.from} WHERE ${where} ORDER BY ${p}created_at DESC, ${p}id DESC LIMIT $${limitAt}`,
    params,
  )) as Array<IsoDates<T> & { id: string; created_at: string }>;
  return pageOf(rows, q.limit, (r) => r.created_at);
}
