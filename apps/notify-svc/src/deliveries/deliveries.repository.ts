import { cursorPosition, pageOf } from '#common';
import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import { TenantDb } from '../tenancy/tenant-db.js';

export interface DeliveryRow {
  id: string;
  tenant_id: string;
  user_id: string | null;
  created_by: string;
  channel: string;
  recipient: Record<string, string>;
  template_id: string | null;
  template_key: string | null;
  template_version: number | null;
  content: Record<string, string>;
  data: Record<string, unknown> | null;
  category: string | null;
  priority: string;
  status: string;
  status_reason: string | null;
  send_at: Date | null;
  batch_id: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
}

export interface DeliveryEventRow {
  type: string;
  detail: unknown;
  at: string;
}

/** A delivery ready to insert: rendered content, normalised address. */
export interface NewDelivery {
  user_id: string | null;
  channel: string;
  recipient: Record<string, string>;
  address: string;
  template_id: string | null;
  template_key: string | null;
  template_version: number | null;
  content: Record<string, string>;
  data: Record<string, unknown> | null;
  category: string | null;
  priority: string;
  send_at: string | null;
}

export const DELIVERY_COLS =
  'id, tenant_id, user_id, created_by, channel, recipient, template_id, template_key, template_version, content, data, category, priority, status, status_reason, send_at, batch_id, attempts, created_at, updated_at, sent_at, delivered_at, cancelled_at';

/**
 * Decides each delivery's status and writes delivery, event, outbox row and inbox item in one
 * statement: the function notify_accept_deliveries (migration 1796000000003) holds it.
 */
const INSERT_SQL = `SELECT ${DELIVERY_COLS} FROM notify_accept_deliveries($1, $2::jsonb, $3, $4, $5)`;

/** One prepared call: the function notify_list_deliveries (migration 1796000000004), on the (tenant[, user], created_at, id) indexes. */
const LIST_SQL = `SELECT ${DELIVERY_COLS} FROM notify_list_deliveries($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

export interface DeliveryFilter {
  userId?: string;
  status?: string;
  channel?: string;
  from?: string;
  to?: string;
}

@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: TenantDb) {}

  /** Accepts the deliveries in one transaction and one round trip (answers after the commit). */
  insertMany(tenantId: string, rows: NewDelivery[], createdBy: string, batchId: string | null): Promise<DeliveryRow[]> {
    return this.db.call<DeliveryRow>(tenantId, 'notify_accept_deliveries', INSERT_SQL, [
      tenantId,
      JSON.stringify(rows.map((r, ord) => ({ ord, ...r }))),
      createdBy,
      batchId,
    ]);
  }

  /** One indexed query: (tenant_id[, user_id], created_at DESC, id DESC). */
  list(tenantId: string, f: DeliveryFilter, limit: number, cursor?: string): Promise<Page<DeliveryRow>> {
    const c = cursor ? cursorPosition(cursor) : undefined;
    return this.db
      .call<DeliveryRow>(tenantId, 'notify_list_deliveries', LIST_SQL, [
        tenantId,
        f.userId ?? null,
        f.status ?? null,
        f.channel ?? null,
        f.from ?? null,
        f.to ?? null,
        c?.at ?? null,
        c?.id ?? null,
        limit + 1,
      ])
      .then((rows) => pageOf(rows, limit, (r) => r.created_at));
  }

  get(tenantId: string, id: string, userId?: string): Promise<(DeliveryRow & { events: DeliveryEventRow[] }) | undefined> {
    const params: unknown[] = [tenantId, id];
    let own = '';
    if (userId) {
      params.push(userId);
      own = ' AND d.user_id = $3';
    }
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.one(
          `SELECT ${DELIVERY_COLS.split(', ')
            .map((c) => `d.${c}`)
            .join(', ')},
             (SELECT coalesce(json_agg(json_build_object('type', e.type, 'detail', e.detail, 'at', e.created_at) ORDER BY e.id), '[]'::json)
                FROM delivery_events e WHERE e.tenant_id = d.tenant_id AND e.delivery_id = d.id) AS events
           FROM deliveries d WHERE d.tenant_id = $1 AND d.id = $2${own}`,
          params,
        ),
      { readOnly: true },
    );
  }

  /** Cancels a delivery not yet handed to a provider; 'missing' or its current status otherwise. */
  cancel(tenantId: string, id: string, by: string): Promise<{ row?: DeliveryRow; status?: string }> {
    return this.db.tx(tenantId, async (sql) => {
      const row = await sql.one<DeliveryRow>(
        `UPDATE deliveries SET status = 'cancelled', cancelled_at = now(), updated_at = now(), status_reason = 'cancelled by an admin'
         WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'scheduled') RETURNING ${DELIVERY_COLS}`,
        [tenantId, id],
      );
      if (!row) {
        const cur = await sql.one<{ status: string }>('SELECT status FROM deliveries WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
        return { status: cur?.status };
      }
      await sql.exec('DELETE FROM delivery_outbox WHERE tenant_id = $1 AND delivery_id = $2', [tenantId, id]);
      await sql.exec(`INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) VALUES ($1, $2, 'cancelled', $3)`, [
        tenantId,
        id,
        JSON.stringify({ by }),
      ]);
      await sql.exec('DELETE FROM notifications WHERE tenant_id = $1 AND delivery_id = $2 AND read_at IS NULL', [tenantId, id]);
      return { row };
    });
  }
}
