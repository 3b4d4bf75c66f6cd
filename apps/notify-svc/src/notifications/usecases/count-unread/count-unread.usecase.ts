import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { InboxRepository } from '../../inbox.repository.js';

@Injectable()
export class CountUnreadUseCase {
  constructor(private readonly inbox: InboxRepository) {}

  async execute(p: Principal) {
    return { unread: await this.inbox.unreadCount(p.tenantId!, p.userId!) };
  }
}
