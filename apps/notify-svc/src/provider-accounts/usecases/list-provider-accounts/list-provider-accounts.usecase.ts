import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { providerAccountView } from '../../provider-account.view.js';
import { ProviderAccountsRepository } from '../../provider-accounts.repository.js';

@Injectable()
export class ListProviderAccountsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: ProviderAccountsRepository,
  ) {}

  execute(p: Principal) {
    return this.uow.tenant(p.tenantId, async (tx) => (await this.accounts.list(tx)).map(providerAccountView));
  }
}
