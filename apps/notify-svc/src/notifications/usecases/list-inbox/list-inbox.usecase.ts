import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import type { ListInboxQueryDto } from '../../dtos/inbox.dto.js';
import { InboxRepository } from '../../inbox.repository.js';
import { inboxItemView } from '../../inbox.view.js';

/** The caller's inbox, newest first, with the unread count (the controller puts it in a header). */
@Injectable()
export class ListInboxUseCase {
  constructor(private readonly inbox: InboxRepository) {}

  async execute(p: Principal, q: ListInboxQueryDto) {
    const r = await this.inbox.list(p.tenantId!, p.userId!, q.unread === true, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor);
    return { page: r.page.map(inboxItemView), unread: r.unread };
  }
}
