import type { ObjectLiteral, Repository } from 'typeorm';
import { paginate, type Page, type PaginationQueryDto } from '#common';

/**
 * A page of one owner's opaque credentials that are not revoked (expired ones included), newest
 * first: the API keys of a tenant, the personal tokens of a user.
 */
export function pageOfLiveCredentials<E extends ObjectLiteral & { id: string }>(
  repo: Repository<E>,
  owner: { column: 'tenant_id' | 'user_id'; id: string },
  query: PaginationQueryDto,
): Promise<Page<E>> {
  const qb = repo.createQueryBuilder('c').where(`c.${owner.column} = :owner`, { owner: owner.id }).andWhere('c.revoked_at IS NULL');
  return paginate(qb, query, { sortColumn: 'c.created_at', idColumn: 'c.id' });
}
