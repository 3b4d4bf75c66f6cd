import { AppException, decodeCursor, encodeCursor, Page } from '#common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The (created_at, id) position a cursor points after; 400 for a cursor this API did not issue. */
export function cursorPosition(cursor: string): { at: Date; id: string } {
  const c = decodeCursor(cursor);
  const at = new Date(String(c.v));
  if (Number.isNaN(at.getTime()) || !UUID.test(c.id)) {
    throw AppException.validation('Invalid cursor', [{ field: 'cursor', messages: ['cursor is not one this API issued'] }]);
  }
  return { at, id: c.id };
}

/** A keyset page from limit+1 rows ordered by (sort DESC, id DESC). */
export function pageOf<T extends { id: string }>(rows: T[], limit: number, sortOf: (r: T) => Date): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return new Page(items, hasMore && last ? encodeCursor({ v: sortOf(last).toISOString(), id: last.id }) : null, limit);
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
