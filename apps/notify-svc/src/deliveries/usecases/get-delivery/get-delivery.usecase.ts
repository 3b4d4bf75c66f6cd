import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import { DeliveriesRepository } from '../../deliveries.repository.js';
import { toDeliveryView, type DeliveryView } from '../../dtos/delivery.view.js';

@Injectable()
export class GetDeliveryUseCase {
  constructor(private readonly deliveries: DeliveriesRepository) {}

  async execute(principal: Principal, id: string): Promise<DeliveryView> {
    if (!isUuid(id)) throw AppException.notFound('Delivery');
    const row = await this.deliveries.get(principal.tenantId!, id, seesWholeTenant(principal) ? undefined : principal.userId!);
    if (!row) throw AppException.notFound('Delivery');
    return toDeliveryView(row);
  }
}
