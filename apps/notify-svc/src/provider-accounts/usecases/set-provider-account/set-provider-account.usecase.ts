import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { baseUrlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { providerAccountView } from '../../provider-account.view.js';
import { accountAad } from '../../provider-accounts.js';
import { ProviderAccountsRepository } from '../../provider-accounts.repository.js';
import { PROVIDER_KINDS, type AccountDtoOf, type ProviderName } from '../../provider-kinds.js';

/** The last 4 characters of a secret: all that is ever shown of it (shorter secrets show nothing). */
const last4 = (s: string) => (s.length >= 8 ? s.slice(-4) : '');

/**
 * Sets (replaces) the tenant's own account with a provider. The credentials are one SecretBox blob
 * bound to `tenant_id:provider`; a base URL passes the SSRF guard before anything is stored.
 */
@Injectable()
export class SetProviderAccountUseCase {
  constructor(
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    private readonly uow: UnitOfWork,
    private readonly accounts: ProviderAccountsRepository,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
  ) {}

  async execute<N extends ProviderName>(p: Principal, provider: N, dto: AccountDtoOf<N> & { baseUrl?: string }) {
    const split = PROVIDER_KINDS[provider].split as (d: AccountDtoOf<N>) => {
      credentials: Record<string, string>;
      sender: Record<string, string>;
    };
    const { credentials, sender } = split(dto);
    const baseUrl = dto.baseUrl;
    if (baseUrl) {
      const problem = await baseUrlProblem(baseUrl, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
      if (problem) throw AppException.validation(`Invalid request: baseUrl (${problem})`, [{ field: 'baseUrl', messages: [problem] }]);
    }
    return this.uow.tenant(p.tenantId, async (tx) =>
      providerAccountView(
        await this.accounts.put(tx, {
          provider,
          secret_enc: this.cipher.encrypt(JSON.stringify(credentials), accountAad(tx.tenantId, provider)),
          secret_last4: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, last4(v)])),
          sender,
          base_url: baseUrl ?? null,
          updated_by: actorOf(p),
          updated_at: new Date(),
        }),
      ),
    );
  }
}
