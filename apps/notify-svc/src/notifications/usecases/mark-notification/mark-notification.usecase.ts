import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { InboxPublisher } from '../../inbox.publisher.js';
import { InboxRepository, type InboxMark } from '../../inbox.repository.js';
import { inboxItemView } from '../../inbox.view.js';

/** Marks one of the caller's notifications read/unread, seen/unseen, archived/restored; open streams get the new unread count. */
@Injectable()
export class MarkNotificationUseCase {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly publisher: InboxPublisher,
  ) {}

  async execute(p: Principal, id: string, m: InboxMark) {
    if (m.read === undefined && m.seen === undefined && m.archived === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give read, seen or archived'] }]);
    }
    const row = isUuid(id) ? await this.inbox.mark(p.tenantId!, p.userId!, id, m) : undefined;
    if (!row) throw AppException.notFound('Notification');
    void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return inboxItemView(row);
  }
}
