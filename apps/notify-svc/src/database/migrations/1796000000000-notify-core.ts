import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IDEMPOTENCY_TABLE_DOWN_SQL, IDEMPOTENCY_TABLE_SQL, RATE_LIMIT_TABLE_DOWN_SQL, RATE_LIMIT_TABLE_SQL } from '#common';

/** Every table holding tenant data; each gets row-level security below. */
export const TENANT_TABLES = [
  'deliveries',
  'delivery_events',
  'delivery_outbox',
  'templates',
  'template_versions',
  'preferences',
  'notification_categories',
  'suppressions',
  'notifications',
  'tenant_quotas',
] as const;

const CHANNELS = `('email', 'sms', 'whatsapp', 'push', 'webhook', 'in_app')`;

/**
 * Deliveries with their events and outbox (the durable queue workers read), templates with
 * versions, preferences, categories, suppressions, the in-app inbox and quota overrides.
 *
 * Row-level security: a row is visible only when `app.tenant_id` (set per transaction with
 * set_config(..., true)) is its tenant, or when a maintenance job set `app.system`. FORCE applies
 * the policies to the table owner too, which is the role the service connects as.
 */
export class NotifyCore1796000000000 implements MigrationInterface {
  name = 'NotifyCore1796000000000';

  async up(q: QueryRunner): Promise<void> {
    // Millisecond timestamps: they survive the round trip through a JS Date in a cursor exactly.
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid,
        created_by text NOT NULL,
        channel text NOT NULL CHECK (channel IN ${CHANNELS}),
        recipient jsonb NOT NULL,
        address text,
        template_id uuid,
        template_key text,
        template_version integer,
        content jsonb NOT NULL,
        data jsonb,
        category text,
        priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
        status text NOT NULL CHECK (status IN ('queued', 'scheduled', 'suppressed', 'skipped', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
        status_reason text,
        send_at timestamptz,
        batch_id uuid,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        delivered_at timestamptz,
        failed_at timestamptz,
        cancelled_at timestamptz
      )`);
    await q.query(`CREATE INDEX deliveries_tenant_created_idx ON deliveries (tenant_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX deliveries_tenant_user_created_idx ON deliveries (tenant_id, user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX deliveries_scheduled_idx ON deliveries (send_at) WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX deliveries_failed_idx ON deliveries (failed_at) WHERE status = 'failed'`);
    await q.query(`CREATE INDEX deliveries_batch_idx ON deliveries (tenant_id, batch_id) WHERE batch_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE delivery_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        delivery_id uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        type text NOT NULL,
        detail jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX delivery_events_delivery_idx ON delivery_events (delivery_id, id)`);

    // The durable queue: written in the same transaction as the delivery, read by workers.
    await q.query(`
      CREATE TABLE delivery_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        delivery_id uuid NOT NULL UNIQUE REFERENCES deliveries(id) ON DELETE CASCADE,
        channel text NOT NULL,
        priority smallint NOT NULL DEFAULT 1,
        available_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        locked_by text,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX delivery_outbox_ready_idx ON delivery_outbox (available_at, priority DESC)`);

    await q.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        description text,
        channels jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, key)
      )`);
    await q.query(`CREATE INDEX templates_tenant_created_idx ON templates (tenant_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE template_versions (
        tenant_id uuid NOT NULL,
        template_id uuid NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
        version integer NOT NULL,
        name text NOT NULL,
        description text,
        channels jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (template_id, version)
      )`);

    await q.query(`
      CREATE TABLE preferences (
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        channels jsonb NOT NULL DEFAULT '{}',
        categories jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE notification_categories (
        tenant_id uuid NOT NULL,
        key text NOT NULL,
        required boolean NOT NULL DEFAULT false,
        description text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);

    await q.query(`
      CREATE TABLE suppressions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        channel text NOT NULL CHECK (channel IN ${CHANNELS}),
        address text NOT NULL,
        reason text NOT NULL,
        user_id uuid,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        UNIQUE (tenant_id, channel, address)
      )`);
    await q.query(`CREATE INDEX suppressions_tenant_created_idx ON suppressions (tenant_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        delivery_id uuid REFERENCES deliveries(id) ON DELETE CASCADE,
        title text,
        body text NOT NULL,
        data jsonb,
        category text,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
      )`);
    await q.query(`CREATE INDEX notifications_inbox_idx ON notifications (tenant_id, user_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (tenant_id, user_id) WHERE read_at IS NULL`);

    await q.query(`
      CREATE TABLE tenant_quotas (
        tenant_id uuid PRIMARY KEY,
        daily_limit integer NOT NULL CHECK (daily_limit >= 0),
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_tenant_isolation ON ${table}
          USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid OR current_setting('app.system', true) = 'on')
          WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid OR current_setting('app.system', true) = 'on')`);
    }

    for (const sql of IDEMPOTENCY_TABLE_SQL) await q.query(sql);
    for (const sql of RATE_LIMIT_TABLE_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of RATE_LIMIT_TABLE_DOWN_SQL) await q.query(sql);
    for (const sql of IDEMPOTENCY_TABLE_DOWN_SQL) await q.query(sql);
    for (const table of [...TENANT_TABLES].reverse()) await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  }
}
