import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revocation feed also lists users whose roles changed: a token issued until `roles_changed_at`
 * holds only the roles the user has now, so a demoted admin loses admin rights before its token expires.
 */
export class RolesChangedAt1796010000000 implements MigrationInterface {
  name = 'RolesChangedAt1796010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN roles_changed_at timestamptz(3)`);
    await q.query(`CREATE INDEX users_roles_changed_at_idx ON users (roles_changed_at) WHERE roles_changed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_roles_changed_at_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN roles_changed_at`);
  }
}
