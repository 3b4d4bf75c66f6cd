import { AppException } from '../errors/app.exception.js';

/**
 * Opaque keyset cursors: base64url of the sort key of the last row returned. Keyset (not offset)
 * pagination means rows inserted while a client walks a list cause no duplicate and no gap.
 */
export interface CursorKey {
  /** Sort value of the last row (ISO timestamp or any comparable scalar). */
  v: string | number;
  /** Tie-breaker: the row id. */
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.v, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('shape');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('shape');
    const [value, id] = parsed as unknown[];
    if ((typeof value !== 'string' && typeof value !== 'number') || typeof id !== 'string') throw new Error('shape');
    return { v: value, id };
  } catch {
    throw AppException.validation('Invalid cursor', [{ field: 'cursor', messages: ['cursor is not one this API issued'] }]);
  }
}
