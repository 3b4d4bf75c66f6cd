import { Module } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import type { ChannelProvider } from './channel-provider.js';
import { DevProvider } from './dev/dev.provider.js';
import { CHANNEL_PROVIDERS, ProviderRegistry } from './provider-registry.js';

@Module({
  providers: [
    {
      provide: CHANNEL_PROVIDERS,
      inject: [NOTIFY_CONFIG],
      useFactory: (config: NotifyConfig): ChannelProvider[] => {
        const production = config.NODE_ENV === 'production';
        return [new DevProvider('sms', production), new DevProvider('whatsapp', production), new DevProvider('push', production)];
      },
    },
    ProviderRegistry,
  ],
  exports: [ProviderRegistry],
})
export class ChannelsModule {}
