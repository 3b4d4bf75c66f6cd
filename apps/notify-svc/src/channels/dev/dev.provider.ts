import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider.js';
import type { Channel } from '../channel-registry.js';

/**
 * Stands in for the SMS, WhatsApp and push providers until real ones are configured: records the
 * message in the log (and, through the attempt row, in the delivery's history) and reports it sent,
 * outside production only; in production it refuses with NO_PROVIDER.
 */
export class DevProvider implements ChannelProvider {
  readonly name = 'dev';
  private readonly log = new Logger('dev-provider');

  constructor(
    readonly channel: Channel,
    private readonly production: boolean,
  ) {}

  send(msg: OutboundMessage): Promise<SendOutcome> {
    if (this.production) {
      return Promise.resolve({ kind: 'permanent', code: 'NO_PROVIDER', error: `no ${this.channel} provider is configured` });
    }
    const text = msg.content['text'] ?? msg.content['body'] ?? '';
    this.log.log(`${this.channel} to ${msg.address} (delivery ${msg.deliveryId}): ${text.slice(0, 160)}`);
    return Promise.resolve({ kind: 'sent', providerMessageId: `dev-${randomUUID()}` });
  }
}
