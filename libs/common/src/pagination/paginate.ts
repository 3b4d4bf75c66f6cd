import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Page } from '../envelope/envelope.js';
import { decodeCursor } from './cursor.js';
import { pageOf } from './keyset-page.js';
import { DEFAULT_PAGE_LIMIT, type PaginationQueryDto } from './pagination-query.dto.js';

export interface PaginateOptions {
  /** Column of the sort key, qualified with the alias, e.g. `d.created_at`. */
  sortColumn: string;
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
    qb.andWhere(`(${opts.sortColumn}, ${opts.idColumn}) ${cmp} (:__cursorValue, :__cursorId)`, {
      __cursorValue: key.v,
      __cursorId: key.id,
    });
  }
  // The sort key goes into the cursor as PostgreSQL's own text form: a JS Date would cut
  // timestamptz microseconds to milliseconds, and rows within one millisecond would be skipped.
  qb.addSelect(`(${opts.sortColumn})::text`, '__cursor_value')
    .orderBy(opts.sortColumn, dir)
    .addOrderBy(opts.idColumn, dir)
    .take(undefined)
    .limit(limit + 1);
  const { entities, raw } = await qb.getRawAndEntities<{ __cursor_value: string }>();
  return pageOf(entities, limit, (_row, i) => raw[i]!.__cursor_value);
}
