import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import { NotifyMetrics } from '../../../metrics/notify-metrics.js';
import { JobQueue } from '../../../jobs/job-queue.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { DeliveriesRepository } from '../../deliveries.repository.js';
import { toDeliveryView, type DeliveryView } from '../../dtos/delivery.view.js';
import { Delivery } from '../../entities/delivery.entity.js';

/** Only before a provider has it (queued or scheduled): the status and the removal of its job commit together. */
@Injectable()
export class CancelDeliveryUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: JobQueue,
    private readonly metrics: NotifyMetrics,
  ) {}

  async execute(principal: Principal, id: string): Promise<DeliveryView> {
    if (!isUuid(id)) throw AppException.notFound('Delivery');
    const row = await this.uow.tenant(principal.tenantId, async (tx) => {
      const d = await this.deliveries.lock(tx, id);
      if (!d) throw AppException.notFound('Delivery');
      if (d.status !== 'queued' && d.status !== 'scheduled') {
        throw AppException.conflict(`Delivery is ${d.status} and can no longer be cancelled`, { status: d.status });
      }
      await this.deliveries.transition(
        tx,
        id,
        'cancelled',
        { cancelled_at: new Date(), status_reason: 'cancelled by an admin' },
        { detail: { by: actorOf(principal) } },
      );
      await this.queue.remove(tx, id);
      return (await tx.repo(Delivery).findOneBy({ tenant_id: tx.tenantId, id }))!;
    });
    this.metrics.deliveriesCancelled.inc();
    return toDeliveryView(row);
  }
}
