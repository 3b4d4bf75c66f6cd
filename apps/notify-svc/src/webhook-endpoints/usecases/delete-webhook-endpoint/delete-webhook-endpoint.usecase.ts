import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { WebhookEndpointsRepository } from '../../webhook-endpoints.repository.js';

/** Removes a receiver; its pending deliveries fail (their endpoint no longer resolves). */
@Injectable()
export class DeleteWebhookEndpointUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  async execute(p: Principal, id: string): Promise<{ deleted: true }> {
    await this.uow.tenant(p.tenantId, async (tx) => this.endpoints.delete(tx, (await this.endpoints.byIdOr404(tx, id)).id));
    return { deleted: true };
  }
}
