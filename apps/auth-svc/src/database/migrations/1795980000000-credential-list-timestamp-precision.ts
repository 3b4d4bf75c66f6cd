import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Millisecond created_at on the API key and personal token lists too (see
 * AuthTimestampPrecision1795950000000): keyset cursors carry milliseconds, so microseconds in the
 * column make a page repeat the row its cursor points at.
 */
export class CredentialListTimestampPrecision1795980000000 implements MigrationInterface {
  name = 'CredentialListTimestampPrecision1795980000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ALTER COLUMN created_at TYPE timestamptz(3)`);
    await q.query(`ALTER TABLE personal_tokens ALTER COLUMN created_at TYPE timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ALTER COLUMN created_at TYPE timestamptz`);
    await q.query(`ALTER TABLE personal_tokens ALTER COLUMN created_at TYPE timestamptz`);
  }
}
