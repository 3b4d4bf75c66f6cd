import type { OutboundMessage } from '../../src/channels/channel-provider.js';

/** An OutboundMessage as the worker hands it to a provider (an SMS by default), for provider specs; `over` replaces fields. */
export function outboundMessage(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: 'd1',
    tenantId: 't1',
    channel: 'sms',
    attempt: 1,
    address: '+14155552671',
    recipient: { phone: '+14155552671' },
    content: { text: 'hi' },
    data: null,
    category: null,
    createdAt: new Date(),
    ...over,
  };
}
