import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { providerAccountView } from '../../provider-account.view.js';
import { ProviderAccountsRepository } from '../../provider-accounts.repository.js';
import { providerOr404 } from '../../provider-kinds.js';

/** The tenant's account with one provider (never its secrets). */
@Injectable()
export class GetProviderAccountUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: ProviderAccountsRepository,
  ) {}

  async execute(p: Principal, provider: string) {
    const name = providerOr404(provider);
    const r = await this.uow.tenant(p.tenantId, (tx) => this.accounts.find(tx, name));
    if (!r) throw AppException.notFound(`The tenant's ${name} account`);
    return providerAccountView(r);
  }
}
