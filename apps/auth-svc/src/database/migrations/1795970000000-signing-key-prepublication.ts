import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A `next` signing key, published in the JWKS before it signs anything: when a rotation promotes
 * it, every verifier (and every HTTP cache of the JWKS) already holds it. `activated_at` dates the
 * start of signing, which is what KEY_ROTATION_DAYS counts from.
 */
export class SigningKeyPrepublication1795970000000 implements MigrationInterface {
  name = 'SigningKeyPrepublication1795970000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE signing_keys DROP CONSTRAINT IF EXISTS signing_keys_status_check`);
    await q.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_status_check CHECK (status IN ('next', 'active', 'retired'))`);
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (status) WHERE status = 'next'`);
    await q.query(`ALTER TABLE signing_keys ADD COLUMN activated_at timestamptz`);
    await q.query(`UPDATE signing_keys SET activated_at = created_at WHERE status <> 'next'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM signing_keys WHERE status = 'next'`);
    await q.query(`ALTER TABLE signing_keys DROP COLUMN activated_at`);
    await q.query(`DROP INDEX IF EXISTS signing_keys_one_next`);
    await q.query(`ALTER TABLE signing_keys DROP CONSTRAINT IF EXISTS signing_keys_status_check`);
    await q.query(`ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_status_check CHECK (status IN ('active', 'retired'))`);
  }
}
