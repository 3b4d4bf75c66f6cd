import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { RotateWebhookSecretDto } from '../../dtos/webhook-endpoint.dto.js';
import { newWebhookSecret, webhookEndpointView } from '../../webhook-endpoint.view.js';
import { WebhookEndpointsRepository } from '../../webhook-endpoints.repository.js';

/** A new secret signs from now on (shown once); the old one keeps signing beside it for the overlap (default 24 h). */
@Injectable()
export class RotateWebhookSecretUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly endpoints: WebhookEndpointsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  execute(p: Principal, id: string, dto: RotateWebhookSecretDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const e = await this.endpoints.byIdOr404(tx, id);
      const overlap = dto.overlapSeconds ?? 86_400;
      const secret = newWebhookSecret();
      e.previous_secret_enc = overlap > 0 ? e.secret_enc : null;
      e.previous_secret_until = overlap > 0 ? new Date(Date.now() + overlap * 1000) : null;
      e.secret_enc = this.cipher.encrypt(secret, e.id);
      e.updated_at = new Date();
      return { ...webhookEndpointView(await this.endpoints.save(tx, e)), secret };
    });
  }
}
