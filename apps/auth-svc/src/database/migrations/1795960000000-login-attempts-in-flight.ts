import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password checks in progress per account, counted apart from failures: a check takes a slot only
 * while failures + checks in progress stay under LOGIN_MAX_FAILURES, so parallel guesses cannot
 * outrun the lockout, and parallel correct logins wait for a slot instead of locking the account.
 */
export class LoginAttemptsInFlight1795960000000 implements MigrationInterface {
  name = 'LoginAttemptsInFlight1795960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN login_checks_pending integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE users ADD COLUMN login_checks_since timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN login_checks_since`);
    await q.query(`ALTER TABLE users DROP COLUMN login_checks_pending`);
  }
}
