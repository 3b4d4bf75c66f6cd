import { AppException } from '#common';
import type { Channel } from '../channels/channel-registry.js';
import type { MetaAccountDto, TwilioAccountDto } from './dtos/provider-account.dto.js';

/** What notify-svc knows of each provider a tenant can bring an account for. */
export interface ProviderKind<Dto> {
  /** The channels its adapter sends on; the first is the test route's default. */
  channels: Channel[];
  /** Credentials (encrypted, shown as last 4) and sender identity (shown) split from the PUT body. */
  split(dto: Dto): { credentials: Record<string, string>; sender: Record<string, string> };
}

const defined = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined));

export const PROVIDER_KINDS = {
  twilio: {
    channels: ['sms', 'whatsapp'],
    split: (d: TwilioAccountDto) => ({
      credentials: { accountSid: d.accountSid, authToken: d.authToken },
      sender: defined({ from: d.from, whatsappFrom: d.whatsappFrom, messagingServiceSid: d.messagingServiceSid }),
    }),
  } satisfies ProviderKind<TwilioAccountDto>,
  meta: {
    channels: ['whatsapp'],
    split: (d: MetaAccountDto) => ({
      credentials: defined({ accessToken: d.accessToken, phoneNumberId: d.phoneNumberId, appSecret: d.appSecret }),
      sender: {},
    }),
  } satisfies ProviderKind<MetaAccountDto>,
};

export type ProviderName = keyof typeof PROVIDER_KINDS;

export const isProviderName = (s: string): s is ProviderName => Object.hasOwn(PROVIDER_KINDS, s);

/** The PUT body of a provider's account. */
export type AccountDtoOf<N extends ProviderName> = Parameters<(typeof PROVIDER_KINDS)[N]['split']>[0];

/** The provider name from the path, or 404 (an unknown provider is a resource that does not exist). */
export function providerOr404(provider: string): ProviderName {
  if (!isProviderName(provider)) throw AppException.notFound(`Provider "${provider.slice(0, 40)}"`);
  return provider;
}
