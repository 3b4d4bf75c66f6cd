import { Injectable } from '@nestjs/common';
import { paginate, type Page, type PaginationQueryDto } from '#common';
import { ApiKey } from '../../api-key.entity.js';
import { ApiKeyView } from '../../dtos/api-key.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

/** The tenant's keys that are not revoked, newest first; never a secret or a hash. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(tenantId: string, query: PaginationQueryDto): Promise<Page<ApiKeyView>> {
    const qb = this.uow.db
      .repo(ApiKey)
      .createQueryBuilder('k')
      .where('k.tenant_id = :tenantId', { tenantId })
      .andWhere('k.revoked_at IS NULL');
    const page = await paginate(qb, query, { sortColumn: 'k.created_at', idColumn: 'k.id' });
    return page.map(ApiKeyView.of);
  }
}
