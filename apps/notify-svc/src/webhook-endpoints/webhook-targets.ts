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

const COLUMNS =
  'id, tenant_id, url, description, secret_enc, previous_secret_enc, previous_secret_until, created_by, created_at, updated_at';
const BY_ID = `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`;
const BY_URL = `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND url = $2`;

/** Resolves a webhook delivery's recipient (`endpointId`, or `url` of a registered endpoint) inside the tenant's transaction. */
@Injectable()
export class WebhookTargets {
  constructor(@Inject(SECRET_CIPHER) private readonly cipher: SecretCipher) {}

  async find(tx: Tx, recipient: { endpointId?: string; url?: string }): Promise<WebhookEndpoint | null> {
    // Once per webhook delivery at accept and again at send: a prepared statement (parsed and planned
    // once per connection) instead of a QueryBuilder and an unnamed statement per call.
    if (recipient.endpointId) {
      if (!isUuid(recipient.endpointId)) return null;
      return (await tx.one<WebhookEndpoint>(BY_ID, [tx.tenantId, recipient.endpointId], 'webhook_endpoint_by_id')) ?? null;
    }
    if (recipient.url) return (await tx.one<WebhookEndpoint>(BY_URL, [tx.tenantId, recipient.url], 'webhook_endpoint_by_url')) ?? null;
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
