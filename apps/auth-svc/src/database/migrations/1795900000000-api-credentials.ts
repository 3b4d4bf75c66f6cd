import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, personal access tokens, Google identities and pending Google sign-ins (issue 4). */
export class ApiCredentials1795900000000 implements MigrationInterface {
  name = 'ApiCredentials1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name text NOT NULL,
        scopes text[] NOT NULL,
        secret_hash bytea NOT NULL,
        previous_secret_hash bytea,
        previous_expires_at timestamptz,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        rotated_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE personal_tokens (
        id text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        roles text[],
        secret_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        replaced_by text
      )`);
    await q.query(`CREATE INDEX personal_tokens_user_created_idx ON personal_tokens (user_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE google_identities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        subject text NOT NULL UNIQUE,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX google_identities_user_idx ON google_identities (user_id)`);

    // A started Google sign-in: looked up by the hash of its state, bound to the browser that started it
    // through the hash of a nonce kept in a cookie, consumed once (DELETE .. RETURNING).
    await q.query(`
      CREATE TABLE google_auth_states (
        state_hash bytea PRIMARY KEY,
        browser_hash bytea NOT NULL,
        code_verifier text NOT NULL,
        redirect_uri text,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX google_auth_states_expires_idx ON google_auth_states (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS google_auth_states`);
    await q.query(`DROP TABLE IF EXISTS google_identities`);
    await q.query(`DROP TABLE IF EXISTS personal_tokens`);
    await q.query(`DROP TABLE IF EXISTS api_keys`);
  }
}
