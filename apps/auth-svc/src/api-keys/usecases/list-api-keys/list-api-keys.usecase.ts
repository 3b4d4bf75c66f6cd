import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { paginate, type Page, type PaginationQueryDto } from '#common';
import { ApiKey } from '../../api-key.entity.js';
import { ApiKeyView } from '../../dtos/api-key.dto.js';

/** The tenant's keys that are not revoked, newest first; never a secret or a hash. */
@Injectable()
export class ListApiKeysUseCase {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  async execute(tenantId: string, query: PaginationQueryDto): Promise<Page<ApiKeyView>> {
    const qb = this.keys.createQueryBuilder('k').where('k.tenant_id = :tenantId', { tenantId }).andWhere('k.revoked_at IS NULL');
    const page = await paginate(qb, query, { sortColumn: 'k.created_at', idColumn: 'k.id' });
    return page.map(ApiKeyView.of);
  }
}
