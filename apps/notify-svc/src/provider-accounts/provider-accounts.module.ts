import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module.js';
import { ProviderAccounts } from './provider-accounts.js';
import { ProviderAccountsController } from './provider-accounts.controller.js';
import { ManageProviderAccountsUseCase } from './usecases/manage-provider-accounts/manage-provider-accounts.usecase.js';
import { TestProviderAccountUseCase } from './usecases/test-provider-account/test-provider-account.usecase.js';

/** Tenants' own provider accounts: the admin routes, and ProviderAccounts for the senders (worker, receipts). */
@Module({
  imports: [ChannelsModule],
  controllers: [ProviderAccountsController],
  providers: [ProviderAccounts, ManageProviderAccountsUseCase, TestProviderAccountUseCase],
  exports: [ProviderAccounts],
})
export class ProviderAccountsModule {}
