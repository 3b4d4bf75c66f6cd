import { Inject, Injectable, Logger } from '@nestjs/common';
import { In } from 'typeorm';
import { PushTarget, type PushEndpoint } from '../channels/push/push-target.js';
import { SECRET_CIPHER, type SecretCipher } from '../crypto/secret-cipher.js';
import type { Tx } from '../database/unit-of-work.js';
import { DeliveriesRepository } from '../deliveries/deliveries.repository.js';
import { PushDevice } from './push-device.entity.js';
import { PushSubscription } from './push-subscription.entity.js';
import { sha256 } from './push-secrets.js';

/**
 * Where a push delivery goes, and what happens to the endpoints afterwards (worker side, inside
 * the tenant's transactions). A delivery with a raw `deviceToken` goes to that token alone; one
 * addressed to a `userId` goes to all of that user's subscriptions and devices.
 */
@Injectable()
export class PushTargets {
  private readonly log = new Logger('push');

  constructor(
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  async resolve(tx: Tx, recipient: Record<string, string>, now = new Date()): Promise<PushTarget> {
    if (recipient['deviceToken']) {
      const token = recipient['deviceToken'];
      const known = await tx.repo(PushDevice).findOneBy({ tenant_id: tx.tenantId, token_hash: sha256(token) });
      return new PushTarget([{ kind: 'fcm', id: known?.id ?? null, token }]);
    }
    const userId = recipient['userId'];
    if (!userId) return new PushTarget([]);
    const [subs, devices] = await Promise.all([
      tx.repo(PushSubscription).findBy({ tenant_id: tx.tenantId, user_id: userId }),
      tx.repo(PushDevice).findBy({ tenant_id: tx.tenantId, user_id: userId }),
    ]);
    const endpoints: PushEndpoint[] = [];
    for (const s of subs) {
      if (s.expires_at && s.expires_at <= now) continue;
      const secret = JSON.parse(this.cipher.decrypt(s.secret_enc, s.id)) as { endpoint: string; p256dh: string; auth: string };
      endpoints.push({ kind: 'web', id: s.id, ...secret });
    }
    for (const d of devices) endpoints.push({ kind: 'fcm', id: d.id, token: this.cipher.decrypt(d.token_enc, d.id) });
    return new PushTarget(endpoints);
  }

  /** Records each endpoint's result in the delivery's history and removes the ones reported gone. */
  async settle(tx: Tx, deliveryId: string, attempt: number, target: PushTarget): Promise<void> {
    if (target.results.length === 0) return;
    await this.deliveries.event(tx, deliveryId, 'push_results', { attempt, endpoints: target.results });
    const gone = target.results.filter((r) => r.gone);
    const subIds = gone.filter((r) => r.kind === 'web' && r.id).map((r) => r.id!);
    const deviceIds = gone.filter((r) => r.kind === 'fcm' && r.id).map((r) => r.id!);
    if (subIds.length) await tx.repo(PushSubscription).delete({ tenant_id: tx.tenantId, id: In(subIds) });
    if (deviceIds.length) await tx.repo(PushDevice).delete({ tenant_id: tx.tenantId, id: In(deviceIds) });
    if (gone.length)
      this.log.log(`removed ${subIds.length} gone subscription(s) and ${deviceIds.length} gone device(s) (delivery ${deliveryId})`);
  }
}
