import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, type Principal, isUuid } from '#common';
import type { ListInboxQueryDto } from '../../dtos/inbox.dto.js';
import { InboxPublisher } from '../../inbox.publisher.js';
import { InboxRepository, type InboxMark, type InboxRow } from '../../inbox.repository.js';

const view = (r: InboxRow) => ({
  id: r.id,
  deliveryId: r.delivery_id,
  title: r.title,
  body: r.body,
  data: r.data,
  category: r.category,
  read: r.read_at !== null,
  readAt: r.read_at,
  seen: r.seen_at !== null,
  seenAt: r.seen_at,
  archived: r.archived_at !== null,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
});

@Injectable()
export class ManageInboxUseCase {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly publisher: InboxPublisher,
  ) {}

  async list(p: Principal, q: ListInboxQueryDto) {
    const r = await this.inbox.list(p.tenantId!, p.userId!, q.unread === true, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor);
    return { page: r.page.map(view), unread: r.unread };
  }

  async unreadCount(p: Principal) {
    return { unread: await this.inbox.unreadCount(p.tenantId!, p.userId!) };
  }

  async mark(p: Principal, id: string, m: InboxMark) {
    if (m.read === undefined && m.seen === undefined && m.archived === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give read, seen or archived'] }]);
    }
    const row = isUuid(id) ? await this.inbox.mark(p.tenantId!, p.userId!, id, m) : undefined;
    if (!row) throw AppException.notFound('Notification');
    void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return view(row);
  }

  async seenAll(p: Principal) {
    return { updated: await this.inbox.seenAll(p.tenantId!, p.userId!) };
  }

  async readAll(p: Principal) {
    const updated = await this.inbox.readAll(p.tenantId!, p.userId!);
    if (updated > 0) void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return { updated };
  }
}
