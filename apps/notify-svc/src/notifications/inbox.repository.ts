import { cursorPosition, pageOf } from '#common';
import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import { TenantDb } from '../tenancy/tenant-db.js';

export interface InboxRow {
  id: string;
  delivery_id: string | null;
  title: string | null;
  body: string;
  data: unknown;
  category: string | null;
  read_at: Date | null;
  created_at: Date;
}
const COLS = 'id, delivery_id, title, body, data, category, read_at, created_at';

/** An inbox item with its position in the user's live stream (bigint, as text). */
export interface InboxItemRow extends InboxRow {
  seq: string;
}
const ITEM_COLS = `${COLS}, seq`;

/** A user's in-app inbox: every statement filters by tenant and user. */
@Injectable()
export class InboxRepository {
  constructor(private readonly db: TenantDb) {}

  list(
    tenantId: string,
    userId: string,
    unreadOnly: boolean,
    limit: number,
    cursor?: string,
  ): Promise<{ page: Page<InboxRow>; unread: number }> {
    const params: unknown[] = [tenantId, userId, limit + 1];
    const where = ['tenant_id = $1', 'user_id = $2'];
    if (unreadOnly) where.push('read_at IS NULL');
    if (cursor) {
      const c = cursorPosition(cursor);
      where.push(`(created_at, id) < ($${params.push(c.at)}, $${params.push(c.id)})`);
    }
    return this.db.tx(
      tenantId,
      async (sql) => {
        const rows = await sql.rows<InboxRow>(
          `SELECT ${COLS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $3`,
          params,
        );
        const unread = await this.countUnread(sql, tenantId, userId);
        return { page: pageOf(rows, limit, (r) => r.created_at), unread };
      },
      { readOnly: true },
    );
  }

  unreadCount(tenantId: string, userId: string): Promise<number> {
    return this.db.tx(tenantId, (sql) => this.countUnread(sql, tenantId, userId), { readOnly: true });
  }

  private async countUnread(
    sql: { one: <T>(s: string, p: unknown[]) => Promise<T | undefined> },
    tenantId: string,
    userId: string,
  ): Promise<number> {
    const r = await sql.one<{ n: string }>(
      'SELECT count(*) AS n FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL',
      [tenantId, userId],
    );
    return Number(r?.n ?? 0);
  }

  mark(tenantId: string, userId: string, id: string, read: boolean): Promise<InboxRow | undefined> {
    return this.db.tx(tenantId, (sql) =>
      sql.one<InboxRow>(
        `UPDATE notifications SET read_at = CASE WHEN $4 THEN coalesce(read_at, now()) ELSE NULL END
         WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING ${COLS}`,
        [tenantId, userId, id, read],
      ),
    );
  }

  readAll(tenantId: string, userId: string): Promise<number> {
    return this.db.tx(tenantId, (sql) =>
      sql.exec('UPDATE notifications SET read_at = now() WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL', [tenantId, userId]),
    );
  }

  /** The items after `afterSeq`, oldest first: the live stream's backfill (index (tenant_id, user_id, seq)). */
  listSince(tenantId: string, userId: string, afterSeq: string, limit: number): Promise<InboxItemRow[]> {
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.rows<InboxItemRow>(
          `SELECT ${ITEM_COLS} FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
          [tenantId, userId, afterSeq, limit],
        ),
      { readOnly: true },
    );
  }

  /** One item by its sequence number (committed after a newer one the stream has already sent). */
  findBySeq(tenantId: string, userId: string, seq: string): Promise<InboxItemRow | undefined> {
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.one<InboxItemRow>(`SELECT ${ITEM_COLS} FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND seq = $3`, [
          tenantId,
          userId,
          seq,
        ]),
      { readOnly: true },
    );
  }

  /** The user's newest sequence number, '0' for an empty inbox: where a stream without Last-Event-ID starts. */
  lastSeq(tenantId: string, userId: string): Promise<string> {
    return this.db.tx(
      tenantId,
      async (sql) =>
        (
          await sql.one<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM notifications WHERE tenant_id = $1 AND user_id = $2', [
            tenantId,
            userId,
          ])
        )?.seq ?? '0',
      { readOnly: true },
    );
  }

  /** Each recipient's newest inbox item among these deliveries' (what the live stream is told about). */
  newestOfDeliveries(
    tenantId: string,
    deliveries: Array<{ id: string; userId: string }>,
  ): Promise<Array<{ user_id: string; seq: string }>> {
    // user_id in the condition keeps it on the (tenant_id, user_id, ...) indexes; delivery_id has none.
    return this.db.tx(
      tenantId,
      (sql) =>
        sql.rows<{ user_id: string; seq: string }>(
          `SELECT user_id, max(seq)::text AS seq FROM notifications
           WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) AND delivery_id = ANY($3::uuid[]) GROUP BY user_id`,
          [tenantId, [...new Set(deliveries.map((d) => d.userId))], deliveries.map((d) => d.id)],
        ),
      { readOnly: true },
    );
  }
}
