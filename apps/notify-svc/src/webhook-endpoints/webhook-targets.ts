import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { SECRET_CIPHER, type SecretCipher } from '../crypto/secret-cipher.js';

/** Where a webhook delivery goes and the secrets to sign it with (two while a rotation overlaps). */
export interface WebhookTarget {
  endpointId: string;
  url: string;
  secrets: string[];
}

/** Resolves a webhook delivery's recipient (`endpointId`, or `url` of a registered endpoint) inside the tenant's transaction. */
@Injectable()
export class WebhookTargets {
  constructor(@Inject(SECRET_CIPHER) private readonly cipher: SecretCipher) {}

  async find(tx: Tx, recipient: { endpointId?: string; url?: string }): Promise<WebhookEndpoint | null> {
    const repo = tx.repo(WebhookEndpoint);
    if (recipient.endpointId)
      return isUuid(recipient.endpointId) ? repo.findOneBy({ tenant_id: tx.tenantId, id: recipient.endpointId }) : null;
    if (recipient.url) return repo.findOneBy({ tenant_id: tx.tenantId, url: recipient.url });
    return null;
  }

  async resolve(tx: Tx, recipient: { endpointId?: string; url?: string }, now = new Date()): Promise<WebhookTarget | null> {
    const e = await this.find(tx, recipient);
    if (!e) return null;
    const secrets = [this.cipher.decrypt(e.secret_enc, e.id)];
    if (e.previous_secret_enc && e.previous_secret_until && e.previous_secret_until > now) {
      secrets.push(this.cipher.decrypt(e.previous_secret_enc, e.id));
    }
    return { endpointId: e.id, url: e.url, secrets };
  }
}
