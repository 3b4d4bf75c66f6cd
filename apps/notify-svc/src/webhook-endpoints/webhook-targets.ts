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
const BY_ID = `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = ANY($2::uuid[])`;
const BY_URL = `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND url = ANY($2::text[])`;

/** Resolves a webhook delivery's recipient (`endpointId`, or `url` of a registered endpoint) inside the tenant's transaction. */
@Injectable()
export class WebhookTargets {
  constructor(@Inject(SECRET_CIPHER) private readonly cipher: SecretCipher) {}

  async find(tx: Tx, recipient: { endpointId?: string; url?: string }): Promise<WebhookEndpoint | null> {
    // Once per webhook delivery at accept and again at send: a prepared statement (parsed and planned
    // once per connection), one for the lookups a transaction's steps ask for in the same turn.
    if (recipient.endpointId) {
      if (!isUuid(recipient.endpointId)) return null;
      return tx.batch('webhook_endpoint_by_id', (ids: readonly string[]) => this.findMany(tx, BY_ID, 'id', ids)).load(recipient.endpointId);
    }
    if (recipient.url)
      return tx.batch('webhook_endpoint_by_url', (urls: readonly string[]) => this.findMany(tx, BY_URL, 'url', urls)).load(recipient.url);
    return null;
  }

  private async findMany(tx: Tx, sql: string, by: 'id' | 'url', keys: readonly string[]): Promise<Array<WebhookEndpoint | null>> {
    const rows = await tx.rows<WebhookEndpoint>(sql, [tx.tenantId, [...new Set(keys)]], `webhook_endpoint_by_${by}`);
    const found = new Map(rows.map((r) => [by === 'id' ? r.id : r.url, r]));
    return keys.map((k) => found.get(by === 'id' ? k.toLowerCase() : k) ?? null);
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
