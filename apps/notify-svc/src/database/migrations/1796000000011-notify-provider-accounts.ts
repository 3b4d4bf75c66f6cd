import type { MigrationInterface, QueryRunner } from 'typeorm';

const RLS_ROLE = 'notify_tenant_rls';
const MAINTENANCE_ROLE = 'notify_maintenance';

/** Tenant tables this migration adds (each with the tenant-only policy). */
export const PROVIDER_ACCOUNT_TABLES = ['provider_accounts'];

/** A tenant's own provider accounts (PUT /notify/v1/providers/:provider): credentials encrypted, one per provider. */
export class NotifyProviderAccounts1796000000011 implements MigrationInterface {
  name = 'NotifyProviderAccounts1796000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_accounts (
        tenant_id uuid NOT NULL,
        provider text NOT NULL,
        secret_enc text NOT NULL,
        secret_last4 jsonb NOT NULL DEFAULT '{}'::jsonb,
        sender jsonb NOT NULL DEFAULT '{}'::jsonb,
        base_url text,
        updated_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (tenant_id, provider)
      )`);
    for (const table of PROVIDER_ACCOUNT_TABLES) {
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
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${PROVIDER_ACCOUNT_TABLES.join(', ')} TO ${RLS_ROLE}';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${PROVIDER_ACCOUNT_TABLES.join(', ')} TO ${MAINTENANCE_ROLE}';
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS provider_accounts`);
  }
}
