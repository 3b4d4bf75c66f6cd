import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { InboxRepository } from '../../inbox.repository.js';

/** Seen is not read: the unread count stays, so no stream is told. */
@Injectable()
export class MarkAllSeenUseCase {
  constructor(private readonly inbox: InboxRepository) {}

  async execute(p: Principal) {
    return { updated: await this.inbox.seenAll(p.tenantId!, p.userId!) };
  }
}
