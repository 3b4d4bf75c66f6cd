import type { MigrationInterface, QueryRunner } from 'typeorm';
import { secureTenantTables } from './tenant-table-security.js';

/** Tenant tables this migration adds (each with the tenant-only policy). */
export const CAMPAIGN_TABLES = ['campaigns', 'campaign_recipients'];

/**
 * Campaigns (a template, an audience, a schedule and a send-rate cap) and their recipients: one
 * row per contact, whose primary key (campaign_id, contact_id) is what guarantees that no contact
 * of a campaign gets two messages, however often expansion runs; delivery_id is set in the same
 * transaction that creates the delivery, so a restart never sends a recipient twice.
 */
export class NotifyCampaigns1796000000013 implements MigrationInterface {
  name = 'NotifyCampaigns1796000000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        channel text NOT NULL,
        template_id uuid,
        template_key text,
        template_version int,
        category text,
        data jsonb,
        audience jsonb NOT NULL,
        schedule jsonb NOT NULL DEFAULT '{"kind":"now"}',
        max_per_minute int CHECK (max_per_minute IS NULL OR max_per_minute > 0),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
        plan_tier text,
        expansion_cursor uuid,
        expanded boolean NOT NULL DEFAULT false,
        targeted int NOT NULL DEFAULT 0,
        window_started_at timestamptz,
        window_sent int NOT NULL DEFAULT 0,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        launched_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX campaigns_list_idx ON campaigns (tenant_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE campaign_recipients (
        tenant_id uuid NOT NULL,
        campaign_id uuid NOT NULL,
        contact_id uuid NOT NULL,
        delivery_id uuid,
        send_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped', 'failed', 'cancelled')),
        reason text,
        PRIMARY KEY (campaign_id, contact_id),
        FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE
      )`);
    // The send job's scan: a campaign's pending recipients in send_at order.
    await q.query(`CREATE INDEX campaign_recipients_due_idx ON campaign_recipients (campaign_id, send_at) WHERE status = 'pending'`);

    await secureTenantTables(q, CAMPAIGN_TABLES);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS campaign_recipients`);
    await q.query(`DROP TABLE IF EXISTS campaigns`);
  }
}
