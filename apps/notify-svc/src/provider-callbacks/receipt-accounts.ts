import { Inject, Injectable } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { ProviderAccounts } from '../provider-accounts/provider-accounts.js';

/** A secret a provider webhook may be signed with, and whose account it is (null: the platform's). */
export interface ReceiptSecret {
  secret: string;
  tenantId: string | null;
}

/**
 * Where the secrets that sign provider webhooks come from: the platform's accounts (environment),
 * and the accounts tenants bring for themselves (PUT /notify/v1/providers/:provider), which sign
 * the receipts of the messages sent with them. Candidates are given for the tenants a webhook
 * concerns (the owners of the deliveries it names), so one tenant's secret never vouches for
 * another tenant's deliveries.
 */
export interface ReceiptAccounts {
  /** Twilio auth tokens: the tenants' own accounts, then the platform's TWILIO_AUTH_TOKEN. */
  twilioAuthTokens(tenantIds: readonly string[]): Promise<ReceiptSecret[]>;
  /** Meta app secrets: the tenants' own apps, then the platform's WHATSAPP_CLOUD_APP_SECRET. */
  metaAppSecrets(tenantIds: readonly string[]): Promise<ReceiptSecret[]>;
}
export const RECEIPT_ACCOUNTS = Symbol('RECEIPT_ACCOUNTS');

/**
 * The tenants' own accounts first (their stored, decrypted credentials: `authToken` for twilio,
 * `appSecret` for meta), then the platform's from the environment.
 */
@Injectable()
export class StoredReceiptAccounts implements ReceiptAccounts {
  constructor(
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    private readonly accounts: ProviderAccounts,
  ) {}

  twilioAuthTokens(tenantIds: readonly string[]): Promise<ReceiptSecret[]> {
    return this.secrets('twilio', 'authToken', tenantIds, this.config.TWILIO_AUTH_TOKEN);
  }

  metaAppSecrets(tenantIds: readonly string[]): Promise<ReceiptSecret[]> {
    return this.secrets('meta', 'appSecret', tenantIds, this.config.WHATSAPP_CLOUD_APP_SECRET);
  }

  private async secrets(provider: string, field: string, tenantIds: readonly string[], platform?: string): Promise<ReceiptSecret[]> {
    const own = tenantIds.length ? await this.accounts.forTenants(provider, tenantIds) : [];
    const out: ReceiptSecret[] = own.flatMap(({ tenantId, account }) =>
      account.credentials[field] ? [{ secret: account.credentials[field], tenantId }] : [],
    );
    if (platform) out.push({ secret: platform, tenantId: null });
    return out;
  }
}
