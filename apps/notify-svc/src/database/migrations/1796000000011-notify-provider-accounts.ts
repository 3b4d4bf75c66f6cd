import type { MigrationInterface, QueryRunner } from 'typeorm';
import { secureTenantTables } from './tenant-table-security.js';

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
    await secureTenantTables(q, PROVIDER_ACCOUNT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS provider_accounts`);
  }
}
