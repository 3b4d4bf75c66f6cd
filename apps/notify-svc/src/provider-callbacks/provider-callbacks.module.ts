import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { ProviderAccountsModule } from '../provider-accounts/provider-accounts.module.js';
import { SuppressionsModule } from '../suppressions/suppressions.module.js';
import { StoredReceiptAccounts, RECEIPT_ACCOUNTS } from './receipt-accounts.js';
import { ProviderWebhooksController } from './provider-callbacks.controller.js';
import { ReceiptsRepository } from './receipts.repository.js';
import { HandleProviderWebhookUseCase } from './usecases/handle-provider-webhook/handle-provider-webhook.usecase.js';

/** Provider webhooks (POST /notify/v1/webhooks/:provider): signed delivery receipts and STOP / START replies. */
@Module({
  imports: [DeliveriesModule, SuppressionsModule, ProviderAccountsModule],
  controllers: [ProviderWebhooksController],
  providers: [ReceiptsRepository, HandleProviderWebhookUseCase, { provide: RECEIPT_ACCOUNTS, useClass: StoredReceiptAccounts }],
})
export class ProviderCallbacksModule {}
