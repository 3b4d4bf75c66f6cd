import { Injectable } from '@nestjs/common';
import { newestFirst, type IsoDates, type Page } from '#common';
import type { Channel } from '../channels/channel-registry.js';
import type { ContactRow } from '../contacts/contacts.repository.js';
import type { AudienceFilter } from '../contacts/entities/contact.entity.js';
import { ownRows, UnitOfWork, type Tx } from '../database/unit-of-work.js';
import type { CampaignStatus } from './campaign-state.js';

export type CampaignSchedule =
  { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'local_time'; time: string; date?: string; defaultTimezone?: string };

export interface CampaignAudience {
  groupIds?: string[];
  filter?: AudienceFilter;
}

export interface CampaignRow {
  id: string;
  tenant_id: string;
  name: string;
  channel: Channel;
  template_id: string | null;
  template_key: string | null;
  template_version: number | null;
  category: string | null;
  data: Record<string, unknown> | null;
  audience: CampaignAudience;
  schedule: CampaignSchedule;
  max_per_minute: number | null;
  status: CampaignStatus;
  plan_tier: string | null;
  expansion_cursor: string | null;
  expanded: boolean;
  targeted: number;
  window_started_at: Date | null;
  window_sent: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  launched_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
}

export type CampaignValues = Pick<
  CampaignRow,
  'name' | 'channel' | 'template_id' | 'template_key' | 'category' | 'data' | 'audience' | 'schedule' | 'max_per_minute'
>;

export interface CampaignCounts {
  targeted: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: number;
  skipped: number;
  cancelled: number;
}

/** A recipient whose time came, with its contact (found false once the contact was deleted). */
export type DueRecipientRow = ContactRow & { contact_id: string; found: boolean };

const COLS =
  'id, tenant_id, name, channel, template_id, template_key, template_version, category, data, audience, schedule, max_per_minute, status, plan_tier, expansion_cursor, expanded, targeted, window_started_at, window_sent, created_by, created_at, updated_at, launched_at, completed_at, cancelled_at';

/** Campaigns and their recipients; every statement runs in the caller's tenant transaction. */
@Injectable()
export class CampaignsRepository {
  constructor(readonly uow: UnitOfWork) {}

  async insert(tx: Tx, v: CampaignValues, by: string): Promise<CampaignRow> {
    return (await tx.one<CampaignRow>(
      `INSERT INTO campaigns (tenant_id, name, channel, template_id, template_key, category, data, audience, schedule, max_per_minute, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLS}`,
      [tx.tenantId, ...valueParams(v), by],
    ))!;
  }

  update(tx: Tx, id: string, v: CampaignValues): Promise<CampaignRow | undefined> {
    return tx.one<CampaignRow>(
      `UPDATE campaigns SET name = $3, channel = $4, template_id = $5, template_key = $6, category = $7, data = $8, audience = $9,
         schedule = $10, max_per_minute = $11, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`,
      [tx.tenantId, id, ...valueParams(v)],
    );
  }

  find(tx: Tx, id: string, forUpdate = false): Promise<CampaignRow | undefined> {
    return tx.one<CampaignRow>(`SELECT ${COLS} FROM campaigns WHERE tenant_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
      tx.tenantId,
      id,
    ]);
  }

  async remove(tx: Tx, id: string): Promise<boolean> {
    return (await tx.exec('DELETE FROM campaigns WHERE tenant_id = $1 AND id = $2', [tx.tenantId, id])) > 0;
  }

  list(tx: Tx, limit: number, cursor?: string): Promise<Page<IsoDates<CampaignRow>>> {
    return newestFirst<CampaignRow>(tx, { from: 'campaigns', cols: COLS, ...ownRows(tx), limit, cursor });
  }

  /** Sets the status and the columns given (launch pins the template; cancel stamps the time). */
  async setStatus(
    tx: Tx,
    id: string,
    status: CampaignStatus,
    extra: Partial<Pick<CampaignRow, 'template_id' | 'template_key' | 'template_version' | 'plan_tier'>> & {
      launched?: boolean;
      completed?: boolean;
      cancelled?: boolean;
    } = {},
  ): Promise<CampaignRow> {
    return (await tx.one<CampaignRow>(
      `UPDATE campaigns SET status = $3, updated_at = now(),
         template_id = coalesce($4, template_id), template_key = coalesce($5, template_key),
         template_version = coalesce($6, template_version), plan_tier = coalesce($7, plan_tier),
         launched_at = CASE WHEN $8 THEN now() ELSE launched_at END,
         completed_at = CASE WHEN $9 THEN now() ELSE completed_at END,
         cancelled_at = CASE WHEN $10 THEN now() ELSE cancelled_at END
       WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`,
      [
        tx.tenantId,
        id,
        status,
        extra.template_id ?? null,
        extra.template_key ?? null,
        extra.template_version ?? null,
        extra.plan_tier ?? null,
        extra.launched ?? false,
        extra.completed ?? false,
        extra.cancelled ?? false,
      ],
    ))!;
  }

  /** Cancel: the recipients still waiting become cancelled (counted as skipped). */
  cancelPendingRecipients(tx: Tx, id: string): Promise<number> {
    return tx.exec(
      `UPDATE campaign_recipients SET status = 'cancelled', reason = 'campaign cancelled' WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'pending'`,
      [tx.tenantId, id],
    );
  }

  /** One expansion page: the contacts as recipients with their send times (a contact already there is kept); answers how many were new. */
  insertRecipients(tx: Tx, id: string, recipients: Array<{ contactId: string; sendAt: Date }>): Promise<number> {
    return tx.exec(
      `INSERT INTO campaign_recipients (tenant_id, campaign_id, contact_id, send_at)
       SELECT $1, $2, u.id, u.at FROM unnest($3::uuid[], $4::timestamptz[]) AS u(id, at)
       ON CONFLICT (campaign_id, contact_id) DO NOTHING`,
      [tx.tenantId, id, recipients.map((r) => r.contactId), recipients.map((r) => r.sendAt)],
    );
  }

  /** After an expansion page: the cursor moved to its last contact (kept when null), done or not, `added` more targeted. */
  async advanceExpansion(tx: Tx, id: string, cursor: string | null, expanded: boolean, added: number): Promise<void> {
    await tx.exec(
      `UPDATE campaigns SET expansion_cursor = coalesce($3, expansion_cursor), expanded = $4, targeted = targeted + $5, updated_at = now()
       WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, id, cursor, expanded, added],
    );
  }

  /** Up to `limit` waiting recipients due by `now`, in send order, locked (skipping those another send holds). */
  dueRecipients(tx: Tx, id: string, now: Date, limit: number): Promise<DueRecipientRow[]> {
    return tx.rows<DueRecipientRow>(
      `SELECT r.contact_id, ct.id IS NOT NULL AS found, ct.id, ct.external_id, ct.name, ct.email, ct.phone, ct.device_tokens_enc,
              ct.locale, ct.timezone, ct.attributes
       FROM campaign_recipients r LEFT JOIN contacts ct ON ct.tenant_id = r.tenant_id AND ct.id = r.contact_id
       WHERE r.tenant_id = $1 AND r.campaign_id = $2 AND r.status = 'pending' AND r.send_at <= $3
       ORDER BY r.send_at, r.contact_id LIMIT $4 FOR UPDATE OF r SKIP LOCKED`,
      [tx.tenantId, id, now, limit],
    );
  }

  /** The throttle's window: when it started and how many were sent in it. */
  async saveWindow(tx: Tx, id: string, startedAt: Date, sent: number): Promise<void> {
    await tx.exec('UPDATE campaigns SET window_started_at = $3, window_sent = $4 WHERE tenant_id = $1 AND id = $2', [
      tx.tenantId,
      id,
      startedAt,
      sent,
    ]);
  }

  /** Recipients closed without a delivery (skipped or failed), each with its reason. */
  async closeRecipients(tx: Tx, id: string, closed: Array<{ id: string; status: 'skipped' | 'failed'; reason: string }>): Promise<void> {
    await tx.exec(
      `UPDATE campaign_recipients r SET status = u.status, reason = u.reason FROM unnest($3::uuid[], $4::text[], $5::text[]) AS u(id, status, reason)
       WHERE r.tenant_id = $1 AND r.campaign_id = $2 AND r.contact_id = u.id`,
      [tx.tenantId, id, closed.map((x) => x.id), closed.map((x) => x.status), closed.map((x) => x.reason)],
    );
  }

  /** Recipients sent: each linked to its delivery. */
  async linkDeliveries(tx: Tx, id: string, linked: Array<{ id: string; d: string }>): Promise<void> {
    await tx.exec(
      `UPDATE campaign_recipients r SET status = 'sent', delivery_id = u.d FROM unnest($3::uuid[], $4::uuid[]) AS u(id, d)
       WHERE r.tenant_id = $1 AND r.campaign_id = $2 AND r.contact_id = u.id`,
      [tx.tenantId, id, linked.map((x) => x.id), linked.map((x) => x.d)],
    );
  }

  /** The send time of the earliest waiting recipient (the partial index on pending recipients by send_at); undefined when none is left. */
  async nextPendingAt(tx: Tx, id: string): Promise<Date | undefined> {
    const left = await tx.one<{ next: Date }>(
      `SELECT send_at AS next FROM campaign_recipients WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'pending' ORDER BY send_at LIMIT 1`,
      [tx.tenantId, id],
    );
    return left?.next;
  }

  /** Counts from the recipients and the statuses of their deliveries. */
  async counts(tx: Tx, id: string): Promise<CampaignCounts> {
    const rows = await tx.rows<{ k: string; n: string }>(
      `SELECT CASE WHEN r.status <> 'sent' THEN r.status ELSE d.status END AS k, count(*) AS n
       FROM campaign_recipients r LEFT JOIN deliveries d ON d.tenant_id = r.tenant_id AND d.id = r.delivery_id
       WHERE r.tenant_id = $1 AND r.campaign_id = $2 GROUP BY 1`,
      [tx.tenantId, id],
    );
    const by = new Map(rows.map((r) => [r.k, Number(r.n)]));
    const n = (...keys: string[]) => keys.reduce((s, k) => s + (by.get(k) ?? 0), 0);
    return {
      targeted: [...by.values()].reduce((x, y) => x + y, 0),
      pending: n('pending'),
      queued: n('queued', 'scheduled', 'sending'),
      sent: n('sent'),
      delivered: n('delivered'),
      failed: n('failed', 'bounced'),
      suppressed: n('suppressed'),
      skipped: n('skipped', 'cancelled'),
      cancelled: n('cancelled'),
    };
  }
}

/** The bound parameters of a campaign's editable columns, in the order insert and update name them. */
function valueParams(v: CampaignValues): unknown[] {
  return [
    v.name,
    v.channel,
    v.template_id,
    v.template_key,
    v.category,
    v.data ? JSON.stringify(v.data) : null,
    JSON.stringify(v.audience),
    JSON.stringify(v.schedule),
    v.max_per_minute,
  ];
}
