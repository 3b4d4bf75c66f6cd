import { Inject, Injectable } from '@nestjs/common';
import type { Channel, ChannelProvider } from './channel-provider.js';

/** Every ChannelProvider the service sends with (multi-provider token, filled by ChannelsModule). */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');

/** Which provider sends on each channel. One per channel today; failover lists come with the providers issue. */
@Injectable()
export class ProviderRegistry {
  private readonly byChannel = new Map<Channel, ChannelProvider>();

  constructor(@Inject(CHANNEL_PROVIDERS) private readonly providers: ChannelProvider[]) {
    for (const p of providers) if (!this.byChannel.has(p.channel)) this.byChannel.set(p.channel, p);
  }

  for(channel: Channel): ChannelProvider | undefined {
    return this.byChannel.get(channel);
  }

  all(): ChannelProvider[] {
    return [...this.byChannel.values()];
  }

  /** The adapter that sends on this channel with accounts of this provider family (ChannelProvider.provider), if registered. */
  forAccount(provider: string, channel: Channel): ChannelProvider | undefined {
    return this.providers.find((p) => p.provider === provider && p.channel === channel);
  }
}
