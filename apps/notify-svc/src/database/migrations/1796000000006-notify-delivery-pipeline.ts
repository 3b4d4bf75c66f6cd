import type { MigrationInterface, QueryRunner } from 'typeorm';

const RLS_ROLE = 'notify_tenant_rls';
const MAINTENANCE_ROLE = 'notify_maintenance';

/** Tenant tables after this migration; each keeps (or gets) the tenant-only policy. */
export const TENANT_TABLES = [
  'deliveries',
  'delivery_events',
  'delivery_attempts',
  'templates',
  'template_versions',
  'preferences',
  'notification_categories',
  'suppressions',
  'notifications',
  'tenant_quotas',
  'webhook_endpoints',
];

const tenantPolicy = (table: string) => `
  CREATE POLICY ${table}_tenant_isolation ON ${table}
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`;

/**
 * The delivery pipeline: the queue moves to graphile-worker (its jobs commit in the accepting
 * transaction), so the hand-written outbox and the PL/pgSQL accept/list functions go; the status
 * decision lives in TypeScript (DeliveryPolicy). Adds provider attempts, webhook endpoints and
 * the worker heartbeats that let a crashed worker's jobs be unlocked.
 *
 * Row-level security loses its `app.system` bypass: any session could set that GUC. Work across
 * tenants runs as the BYPASSRLS role `notify_maintenance` (created here when the login may; an
 * operator whose login cannot create it grants one to the service login).
 */
export class NotifyDeliveryPipeline1796000000006 implements MigrationInterface {
  name = 'NotifyDeliveryPipeline1796000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS notify_accept_deliveries(uuid, jsonb, text, uuid, boolean)`);
    await q.query(
      `DROP FUNCTION IF EXISTS notify_list_deliveries(uuid, uuid, text, text, timestamptz, timestamptz, timestamptz, uuid, int, boolean)`,
    );
    await q.query(`DROP FUNCTION IF EXISTS notify_enter_tenant(uuid, boolean)`);
    await q.query(`DROP TABLE IF EXISTS delivery_outbox`);

    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_status_check`);
    await q.query(`ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN
      ('queued', 'scheduled', 'suppressed', 'skipped', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled'))`);
    await q.query(`ALTER TABLE deliveries
      ADD COLUMN provider text,
      ADD COLUMN provider_message_id text,
      ADD COLUMN attempts_before_replay integer NOT NULL DEFAULT 0,
      ADD COLUMN next_attempt_at timestamptz,
      ADD COLUMN bounced_at timestamptz,
      ADD COLUMN plan_tier text NOT NULL DEFAULT 'free'`);
    await q.query(`CREATE INDEX deliveries_pending_idx ON deliveries (updated_at) WHERE status IN ('queued', 'sending')`);

    await q.query(`
      CREATE TABLE delivery_attempts (
        tenant_id uuid NOT NULL,
        delivery_id uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        channel text NOT NULL,
        provider text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('sent', 'temporary', 'permanent')),
        provider_message_id text,
        duration_ms integer NOT NULL,
        error_code text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (delivery_id, attempt)
      )`);
    await q.query(`CREATE INDEX delivery_attempts_provider_idx ON delivery_attempts (tenant_id, channel, provider, created_at DESC)`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        url text NOT NULL,
        description text,
        secret_enc text NOT NULL,
        previous_secret_enc text,
        previous_secret_until timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, url)
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_tenant_created_idx ON webhook_endpoints (tenant_id, created_at DESC, id DESC)`);

    // Not tenant data: which worker pools are alive (see WorkerHeartbeat).
    await q.query(`
      CREATE TABLE worker_heartbeats (
        pool_id text PRIMARY KEY,
        host text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        beat_at timestamptz NOT NULL DEFAULT now()
      )`);

    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`DROP POLICY IF EXISTS ${table}_tenant_isolation ON ${table}`);
      await q.query(tenantPolicy(table));
    }

    await q.query(`
      DO $$
      DECLARE me record;
      BEGIN
        SELECT rolsuper, rolcreaterole INTO me FROM pg_roles WHERE rolname = current_user;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${TENANT_TABLES.join(', ')}, idempotency_keys TO ${RLS_ROLE}';
        END IF;
        IF me.rolsuper THEN
          BEGIN
            CREATE ROLE ${MAINTENANCE_ROLE} NOLOGIN NOSUPERUSER BYPASSRLS;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of the cluster made it
          END;
          IF NOT pg_has_role(current_user, '${MAINTENANCE_ROLE}', 'MEMBER') THEN
            EXECUTE format('GRANT ${MAINTENANCE_ROLE} TO %I', current_user);
          END IF;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN
          GRANT USAGE ON SCHEMA public TO ${MAINTENANCE_ROLE};
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${MAINTENANCE_ROLE}';
          GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${MAINTENANCE_ROLE};
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS worker_heartbeats`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
    await q.query(`DROP TABLE IF EXISTS delivery_attempts`);
    await q.query(`DROP INDEX IF EXISTS deliveries_pending_idx`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN provider, DROP COLUMN provider_message_id, DROP COLUMN attempts_before_replay,
      DROP COLUMN next_attempt_at, DROP COLUMN bounced_at, DROP COLUMN plan_tier`);
  }
}
