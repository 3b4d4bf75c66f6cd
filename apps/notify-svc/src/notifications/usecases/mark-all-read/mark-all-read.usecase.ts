import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { InboxPublisher } from '../../inbox.publisher.js';
import { InboxRepository } from '../../inbox.repository.js';

/** Marks every notification of the caller read; open streams get the new unread count. */
@Injectable()
export class MarkAllReadUseCase {
  constructor(
    private readonly inbox: InboxRepository,
    private readonly publisher: InboxPublisher,
  ) {}

  async execute(p: Principal) {
    const updated = await this.inbox.readAll(p.tenantId!, p.userId!);
    if (updated > 0) void this.publisher.unreadChanged(p.tenantId!, p.userId!);
    return { updated };
  }
}
