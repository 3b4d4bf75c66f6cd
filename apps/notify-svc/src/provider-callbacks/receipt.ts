import type { Channel } from '../channels/channel-registry.js';
import type { OptIntent } from './opt-out-policy.js';

/** What a provider's status says happened to a message, in this service's terms. */
export type ReceiptEffect = 'delivered' | 'bounced' | 'failed' | 'complained' | 'unsubscribed' | 'none';

/** A status callback about a message we sent, found by the provider's id (or, generic provider, our delivery id). */
export interface StatusReceipt {
  kind: 'status';
  channels: readonly Channel[] | null; // where the provider's id is looked for (null: any channel)
  providerMessageId?: string;
  deliveryId?: string;
  effect: ReceiptEffect;
  providerStatus: string;
  reason: string | null;
  /** The address is never to be sent to again (hard bounce, complaint, unsubscribe, carrier opt-out). */
  suppress: boolean;
}

/** A message a recipient sent back (SMS / WhatsApp reply), which may opt them out or in. */
export interface InboundMessage {
  kind: 'inbound';
  channel: Extract<Channel, 'sms' | 'whatsapp'>;
  from: string; // E.164
  intent: OptIntent | null;
  keyword: string;
}

export type ProviderEvent = StatusReceipt | InboundMessage;

/** What one event did: counted in notify_receipts_total and reported to the provider. */
export type EventOutcome = 'accepted' | 'duplicate' | 'ignored' | 'unknown_message';
