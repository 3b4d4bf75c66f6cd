import type { MigrationInterface, QueryRunner } from 'typeorm';

const RLS_ROLE = 'notify_tenant_rls';
const MAINTENANCE_ROLE = 'notify_maintenance';

/** Tenant tables this migration adds (each with the tenant-only policy). */
export const PUSH_TENANT_TABLES = ['push_subscriptions', 'push_devices'];

/** Web Push subscriptions and FCM device tokens, registered by users for themselves. */
export class NotifyPush1796000000008 implements MigrationInterface {
  name = 'NotifyPush1796000000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        endpoint_hash text NOT NULL,
        endpoint_origin text NOT NULL,
        secret_enc text NOT NULL,
        user_agent text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, endpoint_hash)
      )`);
    await q.query(`CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (tenant_id, user_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE push_devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        token_enc text NOT NULL,
        token_last4 text NOT NULL,
        platform text CHECK (platform IN ('android', 'ios', 'web')),
        name text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, token_hash)
      )`);
    await q.query(`CREATE INDEX push_devices_user_idx ON push_devices (tenant_id, user_id, created_at DESC, id DESC)`);

    for (const table of PUSH_TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`);
    }
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${PUSH_TENANT_TABLES.join(', ')} TO ${RLS_ROLE}';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${PUSH_TENANT_TABLES.join(', ')} TO ${MAINTENANCE_ROLE}';
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS push_devices`);
    await q.query(`DROP TABLE IF EXISTS push_subscriptions`);
  }
}
