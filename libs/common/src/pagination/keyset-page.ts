import { Page } from '../envelope/envelope.js';
import { AppException } from '../errors/app.exception.js';
import { isUuid } from '../validation/uuid.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * A keyset page from limit+1 rows already ordered by (sort key, id): the extra row only says there
 * is more. `sortKeyOf` gives the last row's sort key as the cursor carries it.
 */
export function pageOf<T extends { id: string }>(
  rows: T[],
  limit: number,
  sortKeyOf: (row: T, index: number) => string | number | Date,
): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const i = items.length - 1;
  if (!hasMore || i < 0) return new Page(items, null, limit);
  const key = sortKeyOf(items[i]!, i);
  return new Page(items, encodeCursor({ v: key instanceof Date ? key.toISOString() : key, id: items[i]!.id }), limit);
}

/** The (timestamp, id) position a cursor points after; 400 for a cursor this API did not issue. */
export function cursorPosition(cursor: string): { at: Date; id: string } {
  const c = decodeCursor(cursor);
  const at = new Date(String(c.v));
  if (Number.isNaN(at.getTime()) || !isUuid(c.id)) {
    throw AppException.validation('Invalid cursor', [{ field: 'cursor', messages: ['cursor is not one this API issued'] }]);
  }
  return { at, id: c.id };
}
