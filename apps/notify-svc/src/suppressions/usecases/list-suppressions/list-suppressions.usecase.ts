import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import type { ListSuppressionsQueryDto } from '../../dtos/suppression.dto.js';
import { suppressionView } from '../../suppression.view.js';
import { SuppressionsRepository } from '../../suppressions.repository.js';

/** The tenant's suppressed addresses; a user sees only their own. */
@Injectable()
export class ListSuppressionsUseCase {
  constructor(private readonly suppressions: SuppressionsRepository) {}

  async execute(p: Principal, q: ListSuppressionsQueryDto) {
    const page = await this.suppressions.list(
      p.tenantId!,
      { userId: seesWholeTenant(p) ? undefined : p.userId!, channel: q.channel },
      q.limit ?? DEFAULT_PAGE_LIMIT,
      q.cursor,
    );
    return page.map(suppressionView);
  }
}
