import { Injectable } from '@nestjs/common';
import { paginate, type Page, type PaginationQueryDto } from '#common';
import { PersonalToken } from '../../personal-token.entity.js';
import { PersonalTokenView } from '../../dtos/personal-token.dto.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

/** The caller's own tokens that are not revoked (expired ones included, flagged), newest first. */
@Injectable()
export class ListPersonalTokensUseCase {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(userId: string, query: PaginationQueryDto): Promise<Page<PersonalTokenView>> {
    const qb = this.uow.db
      .repo(PersonalToken)
      .createQueryBuilder('p')
      .where('p.user_id = :userId', { userId })
      .andWhere('p.revoked_at IS NULL');
    const page = await paginate(qb, query, { sortColumn: 'p.created_at', idColumn: 'p.id' });
    return page.map(PersonalTokenView.of);
  }
}
