import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { webhookEndpointView } from '../../webhook-endpoint.view.js';
import { WebhookEndpointsRepository } from '../../webhook-endpoints.repository.js';

@Injectable()
export class GetWebhookEndpointUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  async execute(p: Principal, id: string) {
    return webhookEndpointView(await this.uow.tenant(p.tenantId, (tx) => this.endpoints.byIdOr404(tx, id)));
  }
}
