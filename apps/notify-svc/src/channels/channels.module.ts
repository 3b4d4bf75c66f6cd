import { Module } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import type { ChannelProvider } from './channel-provider.js';
import { PROVIDER_CHANNELS, type ProviderChannel } from './channel-registry.js';
import { DevProvider } from './dev/dev.provider.js';
import { buildEmailProviders } from './email/build-email-providers.js';
import { CHANNEL_PROVIDERS, ProviderRegistry } from './provider-registry.js';
import { buildPushProvider } from './push/build-push-provider.js';
import { buildSmsProviders } from './sms/build-sms-providers.js';
import { buildWhatsAppProviders } from './whatsapp/build-whatsapp-providers.js';
import { WebhookProvider } from './webhook/webhook.provider.js';

/**
 * Each provider channel's adapters from the configuration. Their order is the channel's default
 * failover order (its `providerOrder` variable, e.g. EMAIL_PROVIDERS, reorders it). With `dev`, the
 * dev provider joins when none of them has a platform account (the account-only ones stay for
 * tenants' own accounts).
 */
const PROVIDER_BUILDERS: { readonly [C in ProviderChannel]: { build: (config: NotifyConfig) => ChannelProvider[]; dev: boolean } } = {
  email: { build: buildEmailProviders, dev: true },
  sms: { build: buildSmsProviders, dev: true },
  whatsapp: { build: buildWhatsAppProviders, dev: true },
  push: { build: (config) => [buildPushProvider(config)], dev: false },
  webhook: {
    build: (config) => [new WebhookProvider({ timeoutMs: config.WEBHOOK_TIMEOUT * 1000, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE })],
    dev: false,
  },
};

@Module({
  providers: [
    {
      provide: CHANNEL_PROVIDERS,
      inject: [NOTIFY_CONFIG],
      useFactory: (config: NotifyConfig): ChannelProvider[] =>
        PROVIDER_CHANNELS.flatMap((channel) => {
          const { build, dev } = PROVIDER_BUILDERS[channel];
          const list = build(config);
          return dev && !list.some((p) => !p.accountOnly) ? [...list, new DevProvider(channel, config.NODE_ENV === 'production')] : list;
        }),
    },
    ProviderRegistry,
  ],
  exports: [ProviderRegistry],
})
export class ChannelsModule {}
