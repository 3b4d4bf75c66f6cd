import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RATE_LIMIT_TABLE_DOWN_SQL, RATE_LIMIT_TABLE_SQL } from '#common';

/** Tenants, users, sessions, signing keys, audit events and the rate-limit counters. */
export class AuthCore1795800000000 implements MigrationInterface {
  name = 'AuthCore1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        plan_tier text NOT NULL DEFAULT 'free' CHECK (plan_tier IN ('free', 'professional', 'enterprise')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        email text NOT NULL,
        password_hash text,
        name text,
        first_name text,
        last_name text,
        phone text,
        roles text[] NOT NULL DEFAULT '{user}',
        is_active boolean NOT NULL DEFAULT true,
        email_verified boolean NOT NULL DEFAULT false,
        failed_login_count integer NOT NULL DEFAULT 0,
        failed_login_window_start timestamptz,
        lockout_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        password_changed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`CREATE INDEX users_tenant_created_idx ON users (tenant_id, created_at, id)`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        current_token_hash bytea NOT NULL,
        previous_token_hash bytea,
        rotated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        user_agent text,
        ip text,
        method text NOT NULL DEFAULT 'password'
      )`);
    await q.query(`CREATE INDEX sessions_user_live_idx ON sessions (user_id, created_at DESC, id) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        algorithm text NOT NULL DEFAULT 'RS256',
        status text NOT NULL CHECK (status IN ('active', 'retired')),
        public_key_pem text NOT NULL,
        private_key_encrypted bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        publish_until timestamptz
      )`);
    // At most one active key: instances racing to create or rotate cannot both win.
    await q.query(`CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid,
        type text NOT NULL,
        actor_user_id uuid,
        target_user_id uuid,
        ip text,
        request_id text,
        user_agent text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_events_tenant_created_idx ON audit_events (tenant_id, created_at DESC, id DESC)`);
    for (const sql of RATE_LIMIT_TABLE_SQL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of RATE_LIMIT_TABLE_DOWN_SQL) await q.query(sql);
    await q.query('DROP TABLE IF EXISTS audit_events');
    await q.query('DROP TABLE IF EXISTS signing_keys');
    await q.query('DROP TABLE IF EXISTS sessions');
    await q.query('DROP TABLE IF EXISTS users');
    await q.query('DROP TABLE IF EXISTS tenants');
  }
}
