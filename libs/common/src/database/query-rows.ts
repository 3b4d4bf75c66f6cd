import pg from 'pg';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/**
 * Runs raw SQL and returns its rows. TypeORM's postgres driver answers UPDATE/DELETE with
 * `[rows, rowCount]` instead of the rows, which silently breaks `UPDATE ... RETURNING` callers.
 */
export async function queryRows<T = Record<string, unknown>>(
  db: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * A pg error of a statement sent to the pg client directly (a named prepared statement), as TypeORM
 * reports one (`QueryFailedError`), so the shared error mapping reads it the same way (a unique
 * violation is a 409, not a 500). Anything else is returned as it is.
 */
export function asQueryFailed(err: unknown, sql: string, params: unknown[]): unknown {
  return err instanceof pg.DatabaseError ? new QueryFailedError(sql, params, err) : err;
}
