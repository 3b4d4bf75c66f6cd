import type { MigrationInterface, QueryRunner } from 'typeorm';

const RLS_ROLE = 'notify_tenant_rls';
const MAINTENANCE_ROLE = 'notify_maintenance';

/** The tenant tables this migration adds; each gets the same tenant-only policy as migration 6's. */
export const TOPIC_TABLES = ['topic_namespaces', 'topics', 'topic_messages', 'topic_access_tokens', 'topic_subscriptions'];

const tenantPolicy = (table: string) => `
  CREATE POLICY ${table}_tenant_isolation ON ${table}
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`;

/**
 * Topics (publish / subscribe, seed 000): a tenant's public slug (`/notify/v1/t/{slug}/{name}`), its
 * topics, their messages (kept TOPIC_RETENTION, ordered by a global identity `seq`: the stream's
 * resume point) and per-topic access tokens (stored as SHA-256 hashes).
 */
export class NotifyTopics1796000000009 implements MigrationInterface {
  name = 'NotifyTopics1796000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topic_namespaces (
        tenant_id uuid PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE topics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('public', 'private')),
        description text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`);
    await q.query(`CREATE INDEX topics_tenant_created_idx ON topics (tenant_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE topic_messages (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        tenant_id uuid NOT NULL,
        topic_id uuid NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        time timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        message text NOT NULL,
        title text,
        priority smallint NOT NULL DEFAULT 3,
        tags text[] NOT NULL DEFAULT '{}',
        click text,
        actions jsonb
      )`);
    await q.query(`CREATE INDEX topic_messages_topic_seq_idx ON topic_messages (topic_id, seq)`);
    await q.query(`CREATE INDEX topic_messages_expires_idx ON topic_messages (expires_at)`);
    await q.query(`
      CREATE TABLE topic_access_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        topic_id uuid NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        access_level text NOT NULL CHECK (access_level IN ('read', 'write', 'read_write')),
        plan_tier text NOT NULL DEFAULT 'free',
        expires_at timestamptz,
        last_used_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
      )`);
    await q.query(`CREATE INDEX topic_access_tokens_topic_idx ON topic_access_tokens (tenant_id, topic_id, created_at DESC, id DESC)`);

    // Forwarding: each message of the topic also goes to these recipients through the delivery pipeline.
    await q.query(`
      CREATE TABLE topic_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        topic_id uuid NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'push', 'sms')),
        recipient jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
      )`);
    await q.query(`CREATE INDEX topic_subscriptions_topic_idx ON topic_subscriptions (tenant_id, topic_id, created_at DESC, id DESC)`);

    for (const table of TOPIC_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(tenantPolicy(table));
    }
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RLS_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${TOPIC_TABLES.join(', ')} TO ${RLS_ROLE}';
          EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO ${RLS_ROLE}', pg_get_serial_sequence('topic_messages', 'seq'));
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${MAINTENANCE_ROLE}') THEN
          EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ${TOPIC_TABLES.join(', ')} TO ${MAINTENANCE_ROLE}';
          EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO ${MAINTENANCE_ROLE}', pg_get_serial_sequence('topic_messages', 'seq'));
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS topic_subscriptions`);
    await q.query(`DROP TABLE IF EXISTS topic_access_tokens`);
    await q.query(`DROP TABLE IF EXISTS topic_messages`);
    await q.query(`DROP TABLE IF EXISTS topics`);
    await q.query(`DROP TABLE IF EXISTS topic_namespaces`);
  }
}
