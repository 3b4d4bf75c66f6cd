import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { PersonalTokenView } from '../../dtos/personal-token.dto.js';
import { PersonalTokenStore } from '../../personal-token.store.js';

/** The caller's own tokens that are not revoked (expired ones included, flagged), newest first. */
@Injectable()
export class ListPersonalTokensUseCase {
  constructor(private readonly tokens: PersonalTokenStore) {}

  async execute(userId: string, query: PaginationQueryDto): Promise<Page<PersonalTokenView>> {
    const page = await this.tokens.listLiveOf(userId, query);
    return page.map(PersonalTokenView.of);
  }
}
