import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, paginate, type PaginationQueryDto, type Principal } from '#common';
import { authSecretProblem, p256dhProblem } from '../../../channels/push/push-validation.js';
import { urlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import type { CreatePushSubscriptionDto } from '../../dtos/push-subscription.dto.js';
import { PushSubscription } from '../../push-subscription.entity.js';
import { sha256 } from '../../push-secrets.js';
import { ownerOf } from '../../push-owner.js';

const view = (s: PushSubscription) => ({
  id: s.id,
  endpointOrigin: s.endpoint_origin,
  userAgent: s.user_agent,
  expiresAt: s.expires_at,
  createdAt: s.created_at,
  updatedAt: s.updated_at,
});

/**
 * A user's own Web Push subscriptions. Everything is checked before anything is written: the keys
 * (a P-256 point on the curve, a 16-byte auth secret) and the endpoint (https, through the SSRF
 * guard). The endpoint and keys are stored encrypted and never returned; the same browser
 * subscribing again replaces its row (and moves it to the caller, who holds that browser now).
 */
@Injectable()
export class ManagePushSubscriptionsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  vapidPublicKey(): { publicKey: string } {
    return { publicKey: this.requireWebPush() };
  }

  async create(p: Principal, dto: CreatePushSubscriptionDto) {
    const userId = ownerOf(p);
    this.requireWebPush();
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
      const repo = tx.repo(PushSubscription);
      const hash = sha256(dto.endpoint);
      const existing = await repo.findOneBy({ tenant_id: tx.tenantId, endpoint_hash: hash });
      const s = existing ?? repo.create({ id: randomUUID(), tenant_id: tx.tenantId, endpoint_hash: hash });
      s.user_id = userId;
      s.endpoint_origin = endpoint.origin;
      s.secret_enc = this.cipher.encrypt(JSON.stringify({ endpoint: dto.endpoint, p256dh: dto.keys.p256dh, auth: dto.keys.auth }), s.id);
      s.user_agent = dto.userAgent ?? null;
      s.expires_at = typeof dto.expirationTime === 'number' ? new Date(dto.expirationTime) : null;
      s.updated_at = new Date();
      return view(await repo.save(s));
    });
  }

  async list(p: Principal, query: PaginationQueryDto) {
    const userId = ownerOf(p);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const qb = tx
        .repo(PushSubscription)
        .createQueryBuilder('s')
        .where('s.tenant_id = :tenantId AND s.user_id = :userId', { tenantId: tx.tenantId, userId });
      return (await paginate(qb, query, { sortColumn: 's.created_at', idColumn: 's.id' })).map(view);
    });
  }

  /** Another user's subscription is answered as not found, like another tenant's. */
  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    const userId = ownerOf(p);
    await this.uow.tenant(p.tenantId, async (tx) => {
      const gone = isUuid(id) ? await tx.repo(PushSubscription).delete({ tenant_id: tx.tenantId, user_id: userId, id }) : { affected: 0 };
      if (!gone.affected) throw AppException.notFound('Push subscription');
    });
    return { deleted: true };
  }

  private requireWebPush(): string {
    const key = this.config.WEB_PUSH_VAPID_PUBLIC_KEY;
    if (!key || !this.config.WEB_PUSH_VAPID_PRIVATE_KEY) {
      throw AppException.unavailable('Web Push is not configured on this service (WEB_PUSH_VAPID_PUBLIC_KEY / WEB_PUSH_VAPID_PRIVATE_KEY)');
    }
    return key;
  }
}
