import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { SessionDto } from '../../dtos/session.dto.js';
import { SessionStore } from '../../session.store.js';

@Injectable()
export class ListSessionsUseCase {
  constructor(private readonly sessions: SessionStore) {}

  /** The user's live sessions; `currentSessionId` marks the caller's own. */
  async execute(userId: string, currentSessionId: string | null, query: PaginationQueryDto): Promise<Page<SessionDto>> {
    return (await this.sessions.listLive(userId, query)).map((s) => SessionDto.from(s, currentSessionId));
  }
}
