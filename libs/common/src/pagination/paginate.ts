import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Page } from '../envelope/envelope.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { DEFAULT_PAGE_LIMIT, type PaginationQueryDto } from './pagination-query.dto.js';

export interface PaginateOptions {
  /** Column of the sort key, qualified with the alias, e.g. `d.created_at`. */
  sortColumn: string;
  /** The entity property holding the sort key (read from the last row). */
  sortProperty: string;
  /** Column of the unique tie-breaker, e.g. `d.id`. */
  idColumn: string;
  direction?: 'DESC' | 'ASC';
}

/**
 * Keyset-paginates any TypeORM query: adds the cursor condition, the order and limit+1,
 * and returns a Page whose cursor points after the last row.
 */
export async function paginate<T extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<T>,
  query: PaginationQueryDto,
  opts: PaginateOptions,
): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  const dir = opts.direction ?? 'DESC';
  const cmp = dir === 'DESC' ? '<' : '>';
  if (query.cursor) {
    const key = decodeCursor(query.cursor);
    let sortValue: string | number | Date = key.v;
    if (typeof sortValue === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(sortValue)) sortValue = new Date(sortValue);
    qb.andWhere(`(${opts.sortColumn}, ${opts.idColumn}) ${cmp} (:__cursorValue, :__cursorId)`, {
      __cursorValue: sortValue,
      __cursorId: key.id,
    });
  }
  qb.orderBy(opts.sortColumn, dir)
    .addOrderBy(opts.idColumn, dir)
    .take(undefined)
    .limit(limit + 1);
  const rows = await qb.getMany();
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  let next: string | null = null;
  if (hasMore && last) {
    const raw = (last as Record<string, unknown>)[opts.sortProperty];
    const value = raw instanceof Date ? raw.toISOString() : (raw as string | number);
    next = encodeCursor({ v: value, id: last.id });
  }
  return new Page(items, next, limit);
}
