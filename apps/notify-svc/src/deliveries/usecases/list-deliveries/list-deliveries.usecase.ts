import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Page, type Principal } from '#common';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import { DeliveriesRepository } from '../../deliveries.repository.js';
import { toDeliveryView, type DeliveryView } from '../../dtos/delivery.view.js';
import type { ListDeliveriesQueryDto } from '../../dtos/list-deliveries.query.js';

/** Users see their own deliveries; organizers, admins and API keys the tenant's. */
@Injectable()
export class ListDeliveriesUseCase {
  constructor(private readonly deliveries: DeliveriesRepository) {}

  async execute(principal: Principal, q: ListDeliveriesQueryDto): Promise<Page<DeliveryView>> {
    const page = await this.deliveries.list(
      principal.tenantId!,
      { userId: seesWholeTenant(principal) ? undefined : principal.userId!, status: q.status, channel: q.channel, from: q.from, to: q.to },
      q.limit ?? DEFAULT_PAGE_LIMIT,
      q.cursor,
    );
    return page.map(toDeliveryView);
  }
}
