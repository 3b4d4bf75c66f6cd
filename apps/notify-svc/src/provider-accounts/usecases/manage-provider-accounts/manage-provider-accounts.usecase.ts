import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { baseUrlProblem } from '../../../channels/webhook/ssrf-guard.js';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { SECRET_CIPHER, type SecretCipher } from '../../../crypto/secret-cipher.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { actorOf } from '../../../tenancy/visibility.js';
import type { MetaAccountDto, TwilioAccountDto } from '../../dtos/provider-account.dto.js';
import { ProviderAccountRecord } from '../../provider-account.entity.js';
import { accountAad } from '../../provider-accounts.js';
import { isProviderName, PROVIDER_KINDS, type ProviderName } from '../../provider-kinds.js';

/** The last 4 characters of a secret: all that is ever shown of it (shorter secrets show nothing). */
const last4 = (s: string) => (s.length >= 8 ? s.slice(-4) : '');

const view = (r: ProviderAccountRecord) => ({
  provider: r.provider,
  owner: 'tenant' as const,
  credentials: Object.fromEntries(Object.entries(r.secret_last4).map(([k, v]) => [k, { last4: v }])),
  sender: r.sender,
  baseUrl: r.base_url,
  updatedBy: r.updated_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type ProviderAccountView = ReturnType<typeof view>;

/** The provider name from the path, or 404 (an unknown provider is a resource that does not exist). */
export function providerOr404(provider: string): ProviderName {
  if (!isProviderName(provider)) throw AppException.notFound(`Provider "${provider.slice(0, 40)}"`);
  return provider;
}

/**
 * A tenant admin's own provider accounts: set (replace), read (never the secrets), remove. The
 * credentials are one SecretBox blob bound to `tenant_id:provider`; a base URL passes the SSRF
 * guard before anything is stored.
 */
@Injectable()
export class ManageProviderAccountsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  putTwilio(p: Principal, dto: TwilioAccountDto) {
    return this.put(p, 'twilio', PROVIDER_KINDS.twilio.split(dto), dto.baseUrl);
  }

  putMeta(p: Principal, dto: MetaAccountDto) {
    return this.put(p, 'meta', PROVIDER_KINDS.meta.split(dto), dto.baseUrl);
  }

  private async put(
    p: Principal,
    provider: ProviderName,
    { credentials, sender }: { credentials: Record<string, string>; sender: Record<string, string> },
    baseUrl: string | undefined,
  ) {
    if (baseUrl) {
      const problem = await baseUrlProblem(baseUrl, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE });
      if (problem) throw AppException.validation(`Invalid request: baseUrl (${problem})`, [{ field: 'baseUrl', messages: [problem] }]);
    }
    return this.uow.tenant(p.tenantId, async (tx) => {
      const repo = tx.repo(ProviderAccountRecord);
      const record = repo.create({
        tenant_id: tx.tenantId,
        provider,
        secret_enc: this.cipher.encrypt(JSON.stringify(credentials), accountAad(tx.tenantId, provider)),
        secret_last4: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, last4(v)])),
        sender,
        base_url: baseUrl ?? null,
        updated_by: actorOf(p),
        updated_at: new Date(),
      });
      await repo.save(record);
      // Read back: created_at is the first PUT's (the database default), kept by later ones.
      return view((await repo.findOneBy({ tenant_id: tx.tenantId, provider }))!);
    });
  }

  async list(p: Principal) {
    return this.uow.tenant(p.tenantId, async (tx) =>
      (await tx.repo(ProviderAccountRecord).find({ where: { tenant_id: tx.tenantId }, order: { provider: 'ASC' } })).map(view),
    );
  }

  async get(p: Principal, provider: string) {
    const name = providerOr404(provider);
    return this.uow.tenant(p.tenantId, async (tx) => {
      const r = await tx.repo(ProviderAccountRecord).findOneBy({ tenant_id: tx.tenantId, provider: name });
      if (!r) throw AppException.notFound(`The tenant's ${name} account`);
      return view(r);
    });
  }

  async remove(p: Principal, provider: string): Promise<void> {
    const name = providerOr404(provider);
    await this.uow.tenant(p.tenantId, async (tx) => {
      const gone = await tx.repo(ProviderAccountRecord).delete({ tenant_id: tx.tenantId, provider: name });
      if (!gone.affected) throw AppException.notFound(`The tenant's ${name} account`);
    });
  }
}
