import type { NotifyConfig } from '../config/notify-config.js';
import { EmailContentDto, InAppContentDto, PushContentDto, TextContentDto, WebhookContentDto } from './channel-content.dto.js';

/**
 * THE list of notify-svc's channels, in the order the API lists them (Swagger enums, validation
 * messages, GET /admin/providers). Everything that varies by channel is in CHANNEL_REGISTRY below;
 * the rest of the service derives from it (see docs/architecture.md, "A new channel").
 */
export const CHANNELS = ['email', 'sms', 'whatsapp', 'push', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * How a recipient is addressed on a channel. Each kind has one normaliser (the accept pipeline), one
 * contact field (ContactTargets) and one suppression rule: a new channel with an existing kind
 * changes none of them.
 * - `email`: `to.email`, lower-cased;
 * - `phone`: `to.phone`, in E.164 (SMS_DEFAULT_REGION for national numbers);
 * - `push-token`: `to.deviceToken`, or `to.userId` (the user's registered devices, resolved by the worker);
 * - `user`: `to.userId` (a user of the tenant);
 * - `webhook-endpoint`: `to.endpointId` or `to.url` of one of the tenant's registered endpoints.
 */
export type AddressKind = 'email' | 'phone' | 'push-token' | 'user' | 'webhook-endpoint';

/** The recipient field (`RecipientDto`) that holds each kind's address. */
export const ADDRESS_FIELD = {
  email: 'email',
  phone: 'phone',
  'push-token': 'deviceToken',
  user: 'userId',
  'webhook-endpoint': 'url',
} as const satisfies Record<AddressKind, string>;

export interface ChannelSpec {
  /** How its recipients are addressed. */
  address: AddressKind;
  /** The template content shape: validation and Swagger of `channels.<channel>` in templates. */
  contentDto: new () => object;
  /** A literal body (and subject or title) as the channel's content. */
  content(body: string, subject?: string): Record<string, string>;
  /** Without a template, a send (or a workflow step) must give a subject (email's subject, push's title). */
  subjectRequired: boolean;
  /** The longest `content.text` (in characters) its providers take: longer is refused at accept. */
  textLimit?: number;
  /** Accept records the text's SMS encoding, length and segments (the `sms_*` columns). */
  smsSegments?: boolean;
  /** How the worker delivers it: through the channel's ChannelProviders, or by storing it in the in-app inbox. */
  sends: 'providers' | 'inbox';
  /**
   * Each provider sends behind a circuit breaker. Off where a failure is not a provider's: a
   * webhook posts to each tenant's own receivers, so one receiver down must not stop the others.
   */
  breaker: boolean;
  /** The variable that reorders its providers' failover list, when it has one. */
  providerOrder?: Extract<keyof NotifyConfig, `${string}_PROVIDERS`>;
  /** Contacts (`contactId`, `externalId`, `groupId`) and so campaigns can address it. */
  contacts: boolean;
  /** A template can be test-sent on it, to the caller's own address. */
  testSend: boolean;
}

const REGISTRY = {
  email: {
    address: 'email',
    contentDto: EmailContentDto,
    content: (body, subject) => ({ subject: subject!, text: body }),
    subjectRequired: true,
    sends: 'providers',
    breaker: true,
    providerOrder: 'EMAIL_PROVIDERS',
    contacts: true,
    testSend: true,
  },
  sms: {
    address: 'phone',
    contentDto: TextContentDto,
    content: (body) => ({ text: body }),
    subjectRequired: false,
    textLimit: 1600, // Twilio's Messages API
    smsSegments: true,
    sends: 'providers',
    breaker: true,
    providerOrder: 'SMS_PROVIDERS',
    contacts: true,
    testSend: false,
  },
  whatsapp: {
    address: 'phone',
    contentDto: TextContentDto,
    content: (body) => ({ text: body }),
    subjectRequired: false,
    textLimit: 4096, // the WhatsApp Cloud API
    sends: 'providers',
    breaker: true,
    providerOrder: 'WHATSAPP_PROVIDERS',
    contacts: true,
    testSend: false,
  },
  push: {
    address: 'push-token',
    contentDto: PushContentDto,
    content: (body, subject) => ({ title: subject!, body }),
    subjectRequired: true,
    sends: 'providers',
    breaker: true,
    providerOrder: 'PUSH_PROVIDERS',
    contacts: true,
    testSend: false,
  },
  webhook: {
    address: 'webhook-endpoint',
    contentDto: WebhookContentDto,
    content: (body) => ({ body }),
    subjectRequired: false,
    sends: 'providers',
    breaker: false,
    contacts: false,
    testSend: false,
  },
  in_app: {
    address: 'user',
    contentDto: InAppContentDto,
    content: (body, subject): Record<string, string> => (subject ? { title: subject, body } : { body }),
    subjectRequired: false,
    sends: 'inbox',
    breaker: false,
    contacts: true,
    testSend: true,
  },
} satisfies { readonly [C in Channel]: ChannelSpec };

export const CHANNEL_REGISTRY: { readonly [C in Channel]: ChannelSpec } = REGISTRY;

/** A template's content for channel C (an instance of its `contentDto`). */
export type ChannelContent<C extends Channel> = InstanceType<(typeof REGISTRY)[C]['contentDto']>;

/** The channels the worker sends through ChannelProviders (each needs a builder in ChannelsModule). */
export type ProviderChannel = { [C in Channel]: (typeof REGISTRY)[C]['sends'] extends 'providers' ? C : never }[Channel];
export const PROVIDER_CHANNELS = CHANNELS.filter((c): c is ProviderChannel => CHANNEL_REGISTRY[c].sends === 'providers');

/** Whether `name` is a channel (a workflow step type, say). */
export function isChannel(name: string): name is Channel {
  return (CHANNELS as readonly string[]).includes(name);
}

/** The channels whose spec has `flag` set, in CHANNELS order. */
export function channelsWith(flag: 'contacts' | 'testSend'): Channel[] {
  return CHANNELS.filter((c) => CHANNEL_REGISTRY[c][flag]);
}

/** Why this rendered content cannot go out on the channel (text too long for its providers), or null. */
export function textLimitProblem(channel: Channel, content: Record<string, string>): string | null {
  const limit = CHANNEL_REGISTRY[channel].textLimit;
  if (!limit) return null;
  const length = [...(content['text'] ?? '')].length;
  return length > limit ? `the ${channel} text is ${length} characters; providers take at most ${limit}` : null;
}
