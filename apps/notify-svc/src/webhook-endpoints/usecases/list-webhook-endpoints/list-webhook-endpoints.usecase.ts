import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { webhookEndpointView } from '../../webhook-endpoint.view.js';
import { WebhookEndpointsRepository } from '../../webhook-endpoints.repository.js';

@Injectable()
export class ListWebhookEndpointsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  execute(p: Principal, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => (await this.endpoints.page(tx, q)).map(webhookEndpointView));
  }
}
