import type { MigrationInterface, QueryRunner } from 'typeorm';
import { secureTenantTables } from './tenant-table-security.js';

/** Tenant tables this migration adds (each with the tenant-only policy). */
export const CONTACT_TABLES = ['contacts', 'contact_groups', 'contact_group_members', 'contact_imports', 'contact_group_sends'];

/**
 * Unique constraint names (contacts/contact-schema.ts holds the repository's copy; the literals stay
 * here so this migration never changes).
 */
const CONTACT_UNIQUE = {
  externalId: 'contacts_tenant_external_id_key',
  email: 'contacts_tenant_email_key',
  phone: 'contacts_tenant_phone_key',
  groupName: 'contact_groups_tenant_name_key',
} as const;

/**
 * Contacts (a tenant's audience: addresses, locale, timezone, free attributes), static and dynamic
 * groups, static membership, and CSV import progress.
 *
 * - Email, phone and external id are each unique per tenant where present (partial unique indexes).
 * - Push device tokens are secrets like the ones in push_devices: stored encrypted (SecretBox, bound
 *   to the contact id) with only their last four characters in clear.
 * - Membership references groups and contacts by (tenant_id, id), so a row can never join a group
 *   of one tenant to a contact of another, whatever the caller sends.
 * - `q` search runs over lower(name/email/phone): a pg_trgm GIN index when the extension can be
 *   created here (the embedded PostgreSQL ships it), else a btree prefix index on the name.
 */
/**
 * The text `q` searches, the index's expression (contacts/contact-schema.ts holds the same one for
 * the query). The newline separator keeps a match from spanning two fields.
 */
const CONTACT_SEARCH_EXPR = `lower(coalesce(name, '') || chr(10) || coalesce(email, '') || chr(10) || coalesce(phone, ''))`;

export class NotifyContacts1796000000010 implements MigrationInterface {
  name = 'NotifyContacts1796000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        external_id text CHECK (char_length(external_id) BETWEEN 1 AND 255),
        name text CHECK (char_length(name) <= 200),
        email text CHECK (email = lower(email) AND char_length(email) <= 320),
        phone text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        device_tokens_enc text,
        device_token_last4 text[] NOT NULL DEFAULT '{}',
        locale text CHECK (char_length(locale) <= 35),
        timezone text CHECK (char_length(timezone) <= 64),
        attributes jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
        created_by text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX ${CONTACT_UNIQUE.externalId} ON contacts (tenant_id, external_id) WHERE external_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX ${CONTACT_UNIQUE.email} ON contacts (tenant_id, email) WHERE email IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX ${CONTACT_UNIQUE.phone} ON contacts (tenant_id, phone) WHERE phone IS NOT NULL`);
    await q.query(`CREATE INDEX contacts_list_idx ON contacts (tenant_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX contacts_attributes_idx ON contacts USING gin (attributes)`);
    await q.query(`CREATE INDEX contacts_locale_idx ON contacts (tenant_id, locale)`);
    await q.query(`CREATE INDEX contacts_timezone_idx ON contacts (tenant_id, timezone)`);
    // pg_trgm when this login may create it (a superuser in dev, or already installed); otherwise a prefix index.
    await q.query(`
      DO $$
      BEGIN
        BEGIN
          CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'pg_trgm not available (%): contacts search uses a prefix index', SQLERRM;
        END;
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
          EXECUTE 'CREATE INDEX contacts_search_trgm_idx ON contacts USING gin ((${CONTACT_SEARCH_EXPR.replace(/'/g, "''")}) gin_trgm_ops)';
        ELSE
          EXECUTE 'CREATE INDEX contacts_search_prefix_idx ON contacts (tenant_id, lower(name) text_pattern_ops)';
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE contact_groups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        description text,
        kind text NOT NULL CHECK (kind IN ('static', 'dynamic')),
        filter jsonb,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, id),
        CONSTRAINT ${CONTACT_UNIQUE.groupName} UNIQUE (tenant_id, name),
        CHECK ((kind = 'dynamic') = (filter IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX contact_groups_list_idx ON contact_groups (tenant_id, created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE contact_group_members (
        tenant_id uuid NOT NULL,
        group_id uuid NOT NULL,
        contact_id uuid NOT NULL,
        added_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (group_id, contact_id),
        FOREIGN KEY (tenant_id, group_id) REFERENCES contact_groups (tenant_id, id) ON DELETE CASCADE,
        FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX contact_group_members_page_idx ON contact_group_members (group_id, added_at, contact_id)`);
    await q.query(`CREATE INDEX contact_group_members_contact_idx ON contact_group_members (tenant_id, contact_id)`);

    await q.query(`
      CREATE TABLE contact_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        -- The uploaded CSV, kept until the import job has read it all (then cleared).
        source text,
        columns text[] NOT NULL DEFAULT '{}',
        total_rows int NOT NULL DEFAULT 0,
        processed_rows int NOT NULL DEFAULT 0,
        created_count int NOT NULL DEFAULT 0,
        updated_count int NOT NULL DEFAULT 0,
        unchanged_count int NOT NULL DEFAULT 0,
        failed_count int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        errors_truncated boolean NOT NULL DEFAULT false,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX contact_imports_list_idx ON contact_imports (tenant_id, created_at DESC, id DESC)`);

    // A send to a group larger than one batch: expanded by a job, 1,000 contacts per transaction,
    // the cursor (created_at, id of the last contact done) committed with that chunk's deliveries.
    await q.query(`
      CREATE TABLE contact_group_sends (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        group_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'expanding' CHECK (status IN ('expanding', 'done', 'failed')),
        content jsonb NOT NULL,
        principal jsonb NOT NULL,
        targeted int NOT NULL,
        queued int NOT NULL DEFAULT 0,
        without_address int NOT NULL DEFAULT 0,
        cursor_at timestamptz,
        cursor_id uuid,
        error text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await secureTenantTables(q, CONTACT_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS contact_group_sends`);
    await q.query(`DROP TABLE IF EXISTS contact_imports`);
    await q.query(`DROP TABLE IF EXISTS contact_group_members`);
    await q.query(`DROP TABLE IF EXISTS contact_groups`);
    await q.query(`DROP TABLE IF EXISTS contacts`);
  }
}
