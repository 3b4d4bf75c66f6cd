import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { DeliveriesRepository } from '../../deliveries.repository.js';
import { toDeliveryView, type DeliveryView } from '../../dtos/delivery.view.js';
import { actorOf } from '../../../tenancy/visibility.js';

/** Only before a provider has it: queued or scheduled. Removes its outbox row in the same transaction. */
@Injectable()
export class CancelDeliveryUseCase {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly metrics: NotifyMetrics,
  ) {}

  async execute(principal: Principal, id: string): Promise<DeliveryView> {
    if (!isUuid(id)) throw AppException.notFound('Delivery');
    const r = await this.deliveries.cancel(principal.tenantId!, id, actorOf(principal));
    if (r.row) {
      this.metrics.deliveriesCancelled.inc();
      return toDeliveryView(r.row);
    }
    if (!r.status) throw AppException.notFound('Delivery');
    throw AppException.conflict(`Delivery is ${r.status} and can no longer be cancelled`, { status: r.status });
  }
}
