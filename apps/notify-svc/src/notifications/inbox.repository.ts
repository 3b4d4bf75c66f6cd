import { cursorPosition, pageOf } from '#common';
import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import type { Delivery } from '../deliveries/entities/delivery.entity.js';
import { UnitOfWork, type Tx } from '../tenancy/unit-of-work.js';
import { Notification } from './notification.entity.js';

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
  ): Promise<{ page: Page<InboxRow>; unread: number }> {
    const params: unknown[] = [tenantId, userId, limit + 1];
    const where = ['tenant_id = $1', 'user_id = $2'];
    if (unreadOnly) where.push('read_at IS NULL');
    if (cursor) {
      const c = cursorPosition(cursor);
      where.push(`(created_at, id) < ($${params.push(c.at)}, $${params.push(c.id)})`);
    }
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        const rows = await tx.rows<InboxRow>(
          `SELECT ${COLS} FROM notifications WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $3`,
          params,
        );
        const unread = await this.countUnread(tx, tenantId, userId);
        return { page: pageOf(rows, limit, (r) => r.created_at), unread };
      },
      { readOnly: true },
    );
  }

  /** An in-app delivery's inbox item, in the worker's transaction. */
  store(tx: Tx, d: Pick<Delivery, 'id' | 'user_id' | 'content' | 'data' | 'category'>): Promise<Notification> {
    return tx.repo(Notification).save({
      tenant_id: tx.tenantId,
      user_id: d.user_id!,
      delivery_id: d.id,
      title: d.content['title'] ?? null,
      body: d.content['body'] ?? '',
      data: d.data,
      category: d.category,
    });
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

  mark(tenantId: string, userId: string, id: string, read: boolean): Promise<InboxRow | undefined> {
    return this.uow.tenant(tenantId, (tx) =>
      tx.one<InboxRow>(
        `UPDATE notifications SET read_at = CASE WHEN $4 THEN coalesce(read_at, now()) ELSE NULL END
         WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING ${COLS}`,
        [tenantId, userId, id, read],
      ),
    );
  }

  readAll(tenantId: string, userId: string): Promise<number> {
    return this.uow.tenant(tenantId, (tx) =>
      tx.exec('UPDATE notifications SET read_at = now() WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL', [tenantId, userId]),
    );
  }
}
