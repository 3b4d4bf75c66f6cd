import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { ProviderAccountsRepository } from '../../provider-accounts.repository.js';
import { providerOr404 } from '../../provider-kinds.js';

/** Removes the tenant's account: its sends use the platform's account again. */
@Injectable()
export class DeleteProviderAccountUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: ProviderAccountsRepository,
  ) {}

  async execute(p: Principal, provider: string): Promise<void> {
    const name = providerOr404(provider);
    await this.uow.tenant(p.tenantId, async (tx) => {
      if (!(await this.accounts.delete(tx, name))) throw AppException.notFound(`The tenant's ${name} account`);
    });
  }
}
