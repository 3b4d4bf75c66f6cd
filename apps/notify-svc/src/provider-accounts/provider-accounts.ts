import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProviderAccount } from '../channels/channel-provider.js';
import { SECRET_CIPHER, type SecretCipher } from '../crypto/secret-cipher.js';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';
import { ProviderAccountRecord } from './provider-account.entity.js';

type AccountRow = Pick<ProviderAccountRecord, 'tenant_id' | 'provider' | 'secret_enc' | 'sender' | 'base_url'>;

/** The additional data a provider account's blob is bound to: a blob copied to another tenant or provider does not decrypt. */
export const accountAad = (tenantId: string, provider: string) => `${tenantId}:${provider}`;

/**
 * Tenants' own provider accounts as the senders see them: decrypted for one send, never cached.
 * A blob encrypted under an older CREDENTIALS_ENCRYPTION_KEY entry is re-encrypted under the
 * current one when read (same transaction), so after a key rotation the old key can be dropped
 * once every account was used or re-saved (see the README, "Provider accounts").
 */
@Injectable()
export class ProviderAccounts {
  private readonly log = new Logger('provider-accounts');

  constructor(
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    private readonly uow: UnitOfWork,
  ) {}

  /** The tenant's account for this provider key (ChannelProvider.provider), or null: the platform's account applies. */
  forTenant(tx: Tx, provider: string | undefined): Promise<ProviderAccount | null> {
    return provider ? this.firstOf(tx, [provider]) : Promise.resolve(null);
  }

  /** The tenant's account with the first of these providers it has one with (in their order), or null: one query. */
  async firstOf(tx: Tx, providers: readonly string[]): Promise<ProviderAccount | null> {
    if (!providers.length) return null;
    // Read once per SMS or WhatsApp delivery: a named statement, planned once per connection (the
    // repository's find was planned by PostgreSQL and built and hydrated by TypeORM every time).
    const rows = await tx.rows<AccountRow>(
      `SELECT tenant_id, provider, secret_enc, sender, base_url FROM provider_accounts
       WHERE tenant_id = $1 AND provider = ANY($2::text[])`,
      [tx.tenantId, providers],
      'provider_accounts_first_of',
    );
    const r = providers.map((p) => rows.find((row) => row.provider === p)).find((row) => row !== undefined);
    if (!r) return null;
    const aad = accountAad(r.tenant_id, r.provider);
    const credentials = JSON.parse(this.cipher.decrypt(r.secret_enc, aad)) as Record<string, string>;
    if (!this.cipher.isCurrent(r.secret_enc)) {
      const secret_enc = this.cipher.encrypt(JSON.stringify(credentials), aad);
      await tx.repo(ProviderAccountRecord).update({ tenant_id: r.tenant_id, provider: r.provider }, { secret_enc });
      this.log.log(`re-encrypted the ${r.provider} account of tenant ${r.tenant_id} under the current key`);
    }
    return { owner: 'tenant', provider: r.provider, credentials, sender: r.sender, ...(r.base_url ? { baseUrl: r.base_url } : {}) };
  }

  /**
   * The accounts of these tenants with one provider (each read in its own tenant transaction, so
   * row-level security still binds): for callers outside a tenant's transaction, such as a
   * provider's receipt webhook that names deliveries of several tenants.
   */
  async forTenants(provider: string, tenantIds: readonly string[]): Promise<Array<{ tenantId: string; account: ProviderAccount }>> {
    const out: Array<{ tenantId: string; account: ProviderAccount }> = [];
    for (const tenantId of new Set(tenantIds)) {
      const account = await this.uow.tenant(tenantId, (tx) => this.forTenant(tx, provider));
      if (account) out.push({ tenantId, account });
    }
    return out;
  }
}
