import { Inject, Injectable } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';

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
 * The platform's accounts only. Tenants' own provider accounts (another part of the providers
 * issue) extend this with their stored, decrypted credentials: `credentials.authToken` (twilio) and
 * `credentials.appSecret` (meta) of the tenants asked for.
 */
@Injectable()
export class PlatformReceiptAccounts implements ReceiptAccounts {
  constructor(@Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig) {}

  twilioAuthTokens(): Promise<ReceiptSecret[]> {
    return Promise.resolve(this.config.TWILIO_AUTH_TOKEN ? [{ secret: this.config.TWILIO_AUTH_TOKEN, tenantId: null }] : []);
  }

  metaAppSecrets(): Promise<ReceiptSecret[]> {
    return Promise.resolve(
      this.config.WHATSAPP_CLOUD_APP_SECRET ? [{ secret: this.config.WHATSAPP_CLOUD_APP_SECRET, tenantId: null }] : [],
    );
  }
}
