import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Millisecond timestamps on the columns lists are sorted by. Keyset cursors carry the sort value
 * as a JavaScript date (milliseconds); with microseconds in the column, the row a cursor points
 * at compares as "after" its own cursor and would be listed twice.
 */
export class AuthTimestampPrecision1795950000000 implements MigrationInterface {
  name = 'AuthTimestampPrecision1795950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz(3)`);
    await q.query(`ALTER TABLE sessions ALTER COLUMN created_at TYPE timestamptz(3)`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz`);
    await q.query(`ALTER TABLE sessions ALTER COLUMN created_at TYPE timestamptz`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN created_at TYPE timestamptz`);
  }
}
