import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ProviderAccounts } from './provider-accounts.js';
import { ProviderAccountsController } from './provider-accounts.controller.js';
import { ProviderAccountsRepository } from './provider-accounts.repository.js';
import { DeleteProviderAccountUseCase } from './usecases/delete-provider-account/delete-provider-account.usecase.js';
import { GetProviderAccountUseCase } from './usecases/get-provider-account/get-provider-account.usecase.js';
import { ListProviderAccountsUseCase } from './usecases/list-provider-accounts/list-provider-accounts.usecase.js';
import { SetProviderAccountUseCase } from './usecases/set-provider-account/set-provider-account.usecase.js';
import { TestProviderAccountUseCase } from './usecases/test-provider-account/test-provider-account.usecase.js';

/** Tenants' own provider accounts: the admin routes, and ProviderAccounts for the senders (worker, receipts). */
@Module({
  imports: [ChannelsModule],
  controllers: [ProviderAccountsController],
  providers: [
    ProviderAccounts,
    ProviderAccountsRepository,
    SetProviderAccountUseCase,
    ListProviderAccountsUseCase,
    GetProviderAccountUseCase,
    DeleteProviderAccountUseCase,
    TestProviderAccountUseCase,
  ],
  exports: [ProviderAccounts],
})
export class ProviderAccountsModule {}
