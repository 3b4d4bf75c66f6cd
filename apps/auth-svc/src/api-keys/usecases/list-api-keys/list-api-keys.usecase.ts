import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { ApiKeyStore } from '../../api-key.store.js';
import { ApiKeyView } from '../../dtos/api-key.dto.js';

/** The tenant's keys that are not revoked, newest first; never a secret or a hash. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(private readonly keys: ApiKeyStore) {}

  async execute(tenantId: string, query: PaginationQueryDto): Promise<Page<ApiKeyView>> {
    const page = await this.keys.listLive(tenantId, query);
    return page.map(ApiKeyView.of);
  }
}
