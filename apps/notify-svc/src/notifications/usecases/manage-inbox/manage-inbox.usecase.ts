import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, type Principal, isUuid } from '#common';
import type { ListInboxQueryDto } from '../../dtos/inbox.dto.js';
import { InboxPublisher } from '../../inbox.publisher.js';
import { InboxRepository, type InboxRow } from '../../inbox.repository.js';

const view = (r: InboxRow) => ({
  id: r.id,
  deliveryId: r.delivery_id,
  title: r.title,
  body: r.body,
  data: r.data,
  category: r.category,
  read: r.read_at !== null,
  readAt: r.read_at,
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

  async mark(p: Principal, id: string, read: boolean) {
    const row = isUuid(id) ? await this.inbox.mark(p.tenantId!, p.userId!, id, read) : undefined;
    if (!row) throw AppException.notFound('Notification');
    void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return view(row);
  }

  async readAll(p: Principal) {
    const updated = await this.inbox.readAll(p.tenantId!, p.userId!);
    if (updated > 0) void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return { updated };
  }
}
