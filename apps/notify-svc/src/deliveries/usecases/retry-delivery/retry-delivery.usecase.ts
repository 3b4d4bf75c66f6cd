import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import { JobQueue } from '../../../jobs/job-queue.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { DeliveriesRepository } from '../../deliveries.repository.js';
import { toDeliveryView, type DeliveryView } from '../../dtos/delivery.view.js';
import { Delivery } from '../../entities/delivery.entity.js';

/**
 * Replays a failed delivery: back to `queued` with a fresh retry budget (attempt numbers go on
 * counting, so the history keeps every attempt), and a job to send it now.
 */
@Injectable()
export class RetryDeliveryUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: JobQueue,
  ) {}

  async execute(principal: Principal, id: string): Promise<DeliveryView> {
    if (!isUuid(id)) throw AppException.notFound('Delivery');
    const row = await this.uow.tenant(principal.tenantId, async (tx) => {
      const d = await this.deliveries.lock(tx, id);
      if (!d) throw AppException.notFound('Delivery');
      if (d.status !== 'failed')
        throw AppException.conflict(`Only a failed delivery can be retried; this one is ${d.status}`, { status: d.status });
      await this.deliveries.transition(
        tx,
        id,
        'queued',
        { status_reason: null, attempts_before_replay: d.attempts, failed_at: null, next_attempt_at: null },
        { type: 'replayed', detail: { by: actorOf(principal) } },
      );
      await this.queue.enqueue(tx, { id, priority: d.priority, runAt: null });
      return (await tx.repo(Delivery).findOneBy({ tenant_id: tx.tenantId, id }))!;
    });
    return toDeliveryView(row);
  }
}
