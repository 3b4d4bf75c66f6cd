import { Module } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import type { ChannelProvider } from './channel-provider.js';
import { DevProvider } from './dev/dev.provider.js';
import { SmtpEmailProvider } from './email/smtp-email.provider.js';
import { CHANNEL_PROVIDERS, ProviderRegistry } from './provider-registry.js';
import { buildPushProvider } from './push/build-push-provider.js';
import { buildSmsProviders } from './sms/build-sms-providers.js';
import { buildWhatsAppProviders } from './whatsapp/build-whatsapp-providers.js';
import { WebhookProvider } from './webhook/webhook.provider.js';

@Module({
  providers: [
    {
      provide: CHANNEL_PROVIDERS,
      inject: [NOTIFY_CONFIG],
      useFactory: (config: NotifyConfig): ChannelProvider[] => {
        const production = config.NODE_ENV === 'production';
        const email: ChannelProvider[] = [
          ...(config.SMTP_URL ? [new SmtpEmailProvider({ url: config.SMTP_URL, from: config.SMTP_FROM })] : []),
          ...(config.SMTP_FALLBACK_URL
            ? [new SmtpEmailProvider({ url: config.SMTP_FALLBACK_URL, from: config.SMTP_FROM, name: 'smtp-fallback' })]
            : []),
        ];
        // Registration order is the default failover order of each channel (EMAIL_PROVIDERS etc. reorder it).
        return [
          ...(email.length ? email : [new DevProvider('email', production)]),
          new WebhookProvider({ timeoutMs: config.WEBHOOK_TIMEOUT * 1000, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE }),
          ...orDev(buildSmsProviders(config), new DevProvider('sms', production)),
          ...orDev(buildWhatsAppProviders(config), new DevProvider('whatsapp', production)),
          buildPushProvider(config),
        ];
      },
    },
    ProviderRegistry,
  ],
  exports: [ProviderRegistry],
})
export class ChannelsModule {}

/** The channel's providers, with the dev provider when none of them has a platform account (the account-only ones stay for tenants' own accounts). */
function orDev(list: ChannelProvider[], dev: ChannelProvider): ChannelProvider[] {
  return list.some((p) => !p.accountOnly) ? list : [...list, dev];
}
