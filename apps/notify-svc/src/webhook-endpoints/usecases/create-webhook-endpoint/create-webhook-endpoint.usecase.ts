import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { urlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateWebhookEndpointDto } from '../../dtos/webhook-endpoint.dto.js';
import { newWebhookSecret, webhookEndpointView } from '../../webhook-endpoint.view.js';
import { WebhookEndpointsRepository } from '../../webhook-endpoints.repository.js';

/**
 * Registers a webhook receiver. The URL passes the SSRF guard here (and again at every send, at
 * connect time); the signing secret is returned once.
 */
@Injectable()
export class CreateWebhookEndpointUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(p: Principal, dto: CreateWebhookEndpointDto) {
    const problem = await urlProblem(dto.url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
    if (problem) throw AppException.unprocessable(`This URL cannot receive webhooks: ${problem}`, [{ field: 'url', messages: [problem] }]);
    return this.uow.tenant(p.tenantId, async (tx) => {
      if (await this.endpoints.urlTaken(tx, dto.url)) {
        throw AppException.conflict('An endpoint with this URL is already registered', [
          { field: 'url', messages: ['already registered'] },
        ]);
      }
      const secret = newWebhookSecret();
      const id = randomUUID();
      const saved = await this.endpoints.save(tx, {
        id,
        url: dto.url,
        description: dto.description ?? null,
        created_by: actorOf(p),
        secret_enc: this.cipher.encrypt(secret, id),
      });
      return { ...webhookEndpointView(saved), secret };
    });
  }
}
