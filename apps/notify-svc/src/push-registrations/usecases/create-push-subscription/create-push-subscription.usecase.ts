import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { authSecretProblem, p256dhProblem } from '../../../channels/push/push-validation.js';
import { urlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { CreatePushSubscriptionDto } from '../../dtos/push-subscription.dto.js';
import { ownerOf } from '../../push-owner.js';
import { pushSubscriptionView } from '../../push-registration.views.js';
import { PushRegistrationsRepository } from '../../push-registrations.repository.js';
import { sha256 } from '../../push-secrets.js';
import { PushSubscription } from '../../push-subscription.entity.js';
import { vapidPublicKeyOr503 } from '../../web-push-key.js';

/**
 * Registers the caller's browser for Web Push. Everything is checked before anything is written:
 * the keys (a P-256 point on the curve, a 16-byte auth secret) and the endpoint (https, through the
 * SSRF guard). The endpoint and keys are stored encrypted and never returned; the same browser
 * subscribing again replaces its row (and moves it to the caller, who holds that browser now).
 */
@Injectable()
export class CreatePushSubscriptionUseCase {
  constructor(
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    private readonly uow: UnitOfWork,
    private readonly registrations: PushRegistrationsRepository,
  ) {}

  async execute(p: Principal, dto: CreatePushSubscriptionDto) {
    const userId = ownerOf(p);
    vapidPublicKeyOr503(this.config);
    const problems: Array<{ field: string; messages: string[] }> = [];
    const keyProblem = p256dhProblem(dto.keys.p256dh);
    if (keyProblem) problems.push({ field: 'keys.p256dh', messages: [keyProblem] });
    const authProblem = authSecretProblem(dto.keys.auth);
    if (authProblem) problems.push({ field: 'keys.auth', messages: [authProblem] });
    const allowPrivate = this.config.WEB_PUSH_ALLOW_PRIVATE;
    const endpoint = new URL(dto.endpoint);
    if (endpoint.protocol !== 'https:' && !allowPrivate) problems.push({ field: 'endpoint', messages: ['must be an https URL'] });
    else {
      const problem = await urlProblem(dto.endpoint, { allowPrivate });
      if (problem) problems.push({ field: 'endpoint', messages: [`cannot receive pushes: ${problem}`] });
    }
    if (problems.length) throw AppException.validation('Invalid push subscription', problems);

    return this.uow.tenant(p.tenantId, async (tx) => {
      const hash = sha256(dto.endpoint);
      const existing = await this.registrations.subscriptionByEndpointHash(tx, hash);
      const s = existing ?? Object.assign(new PushSubscription(), { id: randomUUID(), tenant_id: tx.tenantId, endpoint_hash: hash });
      s.user_id = userId;
      s.endpoint_origin = endpoint.origin;
      s.secret_enc = this.cipher.encrypt(JSON.stringify({ endpoint: dto.endpoint, p256dh: dto.keys.p256dh, auth: dto.keys.auth }), s.id);
      s.user_agent = dto.userAgent ?? null;
      s.expires_at = typeof dto.expirationTime === 'number' ? new Date(dto.expirationTime) : null;
      s.updated_at = new Date();
      return pushSubscriptionView(await this.registrations.save(tx, PushSubscription, s));
    });
  }
}
