import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import type { OutboundMessage, SendOutcome } from '../../../channels/channel-provider.js';
import { ProviderRegistry } from '../../../channels/provider-registry.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { TestProviderAccountDto } from '../../dtos/provider-account.dto.js';
import { ProviderAccounts } from '../../provider-accounts.js';
import { PROVIDER_KINDS, providerOr404 } from '../../provider-kinds.js';

export interface TestSendResult {
  ok: boolean;
  channel: 'sms' | 'whatsapp';
  providerMessageId?: string | null;
  status?: string;
  code?: string;
  error?: string;
}

/** Replaces every credential value that a provider's error text may echo back. */
function scrub(text: string, credentials: Record<string, string>): string {
  let out = text;
  for (const v of Object.values(credentials)) if (v.length >= 4) out = out.split(v).join('[redacted]');
  return out;
}

/**
 * POST /providers/:provider/test: one message through the registered adapter for that provider,
 * with the tenant's own account, and the provider's answer (never the credentials). It runs
 * inside the request's idempotency transaction, so a replay answers the first result without
 * sending again; the adapter's own timeout bounds how long that transaction stays open.
 */
@Injectable()
export class TestProviderAccountUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: ProviderAccounts,
    private readonly registry: ProviderRegistry,
  ) {}

  async execute(p: Principal, provider: string, dto: TestProviderAccountDto): Promise<TestSendResult> {
    const name = providerOr404(provider);
    const kind = PROVIDER_KINDS[name];
    const channel = dto.channel ?? (kind.channels[0] as 'sms' | 'whatsapp');
    if (!(kind.channels as string[]).includes(channel)) {
      throw AppException.validation(`Invalid request: channel (${name} sends on ${kind.channels.join(', ')})`, [
        { field: 'channel', messages: [`${name} sends on ${kind.channels.join(', ')}`] },
      ]);
    }
    return this.uow.tenant(p.tenantId, async (tx) => {
      const account = await this.accounts.forTenant(tx, name);
      if (!account) throw AppException.notFound(`The tenant's ${name} account`);
      const adapter = this.registry.forAccount(name, channel);
      if (!adapter) throw AppException.unavailable(`No ${name} adapter is configured for ${channel}`);
      const msg: OutboundMessage = {
        deliveryId: randomUUID(),
        tenantId: tx.tenantId,
        channel,
        attempt: 1,
        address: dto.to,
        recipient: { phone: dto.to },
        content: { text: `Test message from notify-svc: your ${name} account works.` },
        data: null,
        category: null,
        createdAt: new Date(),
        account,
      };
      let outcome: SendOutcome;
      try {
        outcome = await adapter.send(msg);
      } catch (err) {
        outcome = { kind: 'temporary', code: 'PROVIDER_ERROR', error: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.kind === 'sent') {
        const status = outcome.detail?.['status'];
        return { ok: true, channel, providerMessageId: outcome.providerMessageId, ...(typeof status === 'string' ? { status } : {}) };
      }
      return { ok: false, channel, code: outcome.code, error: scrub(outcome.error, account.credentials).slice(0, 1000) };
    });
  }
}
