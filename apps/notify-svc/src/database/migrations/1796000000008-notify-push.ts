import type { MigrationInterface, QueryRunner } from 'typeorm';
import { secureTenantTables } from './tenant-table-security.js';

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

    await secureTenantTables(q, PUSH_TENANT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS push_devices`);
    await q.query(`DROP TABLE IF EXISTS push_subscriptions`);
  }
}
