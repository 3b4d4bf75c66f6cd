import { Injectable } from '@nestjs/common';
import { newestFirst, type IsoDates, type Page } from '#common';
import type { Delivery } from '../deliveries/entities/delivery.entity.js';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';

export interface InboxRow {
  id: string;
  delivery_id: string | null;
  title: string | null;
  body: string;
  data: unknown;
  category: string | null;
  read_at: Date | null;
  seen_at: Date | null;
  archived_at: Date | null;
  created_at: Date;
}
const COLS = 'id, delivery_id, title, body, data, category, read_at, seen_at, archived_at, created_at';

/** A change of one item's state: read implies seen; unread leaves seen as it was. */
export interface InboxMark {
  read?: boolean;
  seen?: boolean;
  archived?: boolean;
}

/** An inbox item with its position in the user's live stream (bigint, as text). */
export interface InboxItemRow extends InboxRow {
  seq: string;
}
const ITEM_COLS = `${COLS}, seq`;

/** A user's in-app inbox: every statement filters by tenant and user. */
@Injectable()
export class InboxRepository {
  constructor(private readonly uow: UnitOfWork) {}

  list(
    tenantId: string,
    userId: string,
    unreadOnly: boolean,
    limit: number,
    cursor?: string,
  ): Promise<{ page: Page<IsoDates<InboxRow>>; unread: number }> {
    const where = `tenant_id = $1 AND user_id = $2${unreadOnly ? ' AND read_at IS NULL' : ''}`;
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        const page = await newestFirst<InboxRow>(tx, {
          from: 'notifications',
          cols: COLS,
          where,
          params: [tenantId, userId],
          limit,
          cursor,
        });
        const unread = await this.countUnread(tx, tenantId, userId);
        return { page, unread };
      },
      { readOnly: true },
    );
  }

  /** An in-app delivery's inbox item, in the worker's transaction. */
  async store(tx: Tx, d: Pick<Delivery, 'id' | 'user_id' | 'content' | 'data' | 'category'>): Promise<{ id: string; seq: string }> {
    // One writer at a time per inbox, so sequence order is commit order and a stream resuming
    // from Last-Event-ID can never skip an item committed late with a lower sequence number.
    await tx.exec('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`inbox:${tx.tenantId}:${d.user_id}`], 'inbox_writer_lock');
    return (await tx.one<{ id: string; seq: string }>(
      `INSERT INTO notifications (tenant_id, user_id, delivery_id, title, body, data, category)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, seq::text AS seq`,
      [
        tx.tenantId,
        d.user_id,
        d.id,
        d.content['title'] ?? null,
        d.content['body'] ?? '',
        d.data === null ? null : JSON.stringify(d.data),
        d.category,
      ],
      'inbox_store',
    ))!;
  }

  unreadCount(tenantId: string, userId: string): Promise<number> {
    return this.uow.tenant(tenantId, (tx) => this.countUnread(tx, tenantId, userId), { readOnly: true });
  }

  private async countUnread(tx: Tx, tenantId: string, userId: string): Promise<number> {
    const r = await tx.one<{ n: string }>(
      'SELECT count(*) AS n FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL',
      [tenantId, userId],
    );
    return Number(r?.n ?? 0);
  }

  mark(tenantId: string, userId: string, id: string, m: InboxMark): Promise<InboxRow | undefined> {
    const flag = (v: boolean | undefined) => (v === undefined ? null : v);
    return this.uow.tenant(tenantId, (tx) =>
      tx.one<InboxRow>(
        `UPDATE notifications SET
           read_at = CASE WHEN $4::boolean IS NULL THEN read_at WHEN $4 THEN coalesce(read_at, now()) ELSE NULL END,
           seen_at = CASE WHEN $5::boolean IS NULL THEN (CASE WHEN $4::boolean THEN coalesce(seen_at, now()) ELSE seen_at END)
                          WHEN $5 THEN coalesce(seen_at, now()) ELSE NULL END,
           archived_at = CASE WHEN $6::boolean IS NULL THEN archived_at WHEN $6 THEN coalesce(archived_at, now()) ELSE NULL END
         WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING ${COLS}`,
        [tenantId, userId, id, flag(m.read), flag(m.seen), flag(m.archived)],
      ),
    );
  }

  seenAll(tenantId: string, userId: string): Promise<number> {
    return this.uow.tenant(tenantId, (tx) =>
      tx.exec('UPDATE notifications SET seen_at = now() WHERE tenant_id = $1 AND user_id = $2 AND seen_at IS NULL', [tenantId, userId]),
    );
  }

  readAll(tenantId: string, userId: string): Promise<number> {
    return this.uow.tenant(tenantId, (tx) =>
      tx.exec(
        'UPDATE notifications SET read_at = now(), seen_at = coalesce(seen_at, now()) WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL',
        [tenantId, userId],
      ),
    );
  }

  /** The items after `afterSeq`, oldest first: the live stream's backfill (index (tenant_id, user_id, seq)). */
  listSince(tenantId: string, userId: string, afterSeq: string, limit: number): Promise<InboxItemRow[]> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.rows<InboxItemRow>(
          `SELECT ${ITEM_COLS} FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
          [tenantId, userId, afterSeq, limit],
        ),
      { readOnly: true },
    );
  }

  /** One item by its sequence number (committed after a newer one the stream has already sent). */
  findBySeq(tenantId: string, userId: string, seq: string): Promise<InboxItemRow | undefined> {
    return this.uow.tenant(
      tenantId,
      (tx) =>
        tx.one<InboxItemRow>(`SELECT ${ITEM_COLS} FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND seq = $3`, [
          tenantId,
          userId,
          seq,
        ]),
      { readOnly: true },
    );
  }

  /** The user's newest sequence number, '0' for an empty inbox: where a stream without Last-Event-ID starts. */
  lastSeq(tenantId: string, userId: string): Promise<string> {
    return this.uow.tenant(
      tenantId,
      async (tx) =>
        (
          await tx.one<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM notifications WHERE tenant_id = $1 AND user_id = $2', [
            tenantId,
            userId,
          ])
        )?.seq ?? '0',
      { readOnly: true },
    );
  }

  /** Retention (across tenants, the maintenance scope's tx): inbox items older than `days`; how many went. */
  purgeOlderThan(tx: Tx, days: number, limit: number): Promise<number> {
    return tx.exec(
      `DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE created_at < now() - make_interval(days => $1) LIMIT $2)`,
      [days, limit],
    );
  }
}
