import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revocation feed (GET /auth/v1/revocations) lists sessions ended and users deactivated since a
 * cursor; resource services poll it to refuse access tokens before their `exp`. `deactivated_at`
 * is when a user last lost access: every token issued until then stays refused.
 */
export class RevocationFeed1796000000000 implements MigrationInterface {
  name = 'RevocationFeed1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN deactivated_at timestamptz(3)`);
    await q.query(`UPDATE users SET deactivated_at = updated_at WHERE NOT is_active`);
    await q.query(`CREATE INDEX users_deactivated_at_idx ON users (deactivated_at) WHERE deactivated_at IS NOT NULL`);
    await q.query(`CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sessions_revoked_at_idx`);
    await q.query(`DROP INDEX users_deactivated_at_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN deactivated_at`);
  }
}
