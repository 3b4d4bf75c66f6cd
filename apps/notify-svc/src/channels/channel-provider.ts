export type Channel = 'email' | 'sms' | 'whatsapp' | 'push' | 'webhook' | 'in_app';
export interface OutboundMessage {
  deliveryId: string; // also the stable idempotency key sent to the peer
  tenantId: string;
  channel: Channel;
  attempt: number; // 1-based
  address: string; // normalised: email lowercased, phone E.164, webhook URL
  recipient: Record<string, string>;
  content: Record<string, string>; // rendered: email {subject, text, html?}; sms/whatsapp {text}; push {title, body}; webhook {body}
  data: Record<string, unknown> | null;
  category: string | null;
  createdAt: Date;
}
export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; detail?: Record<string, unknown> }
  | { kind: 'temporary'; code: string; error: string; retryAfterMs?: number } // network, timeout, 5xx, 429 (+Retry-After), SMTP 4xx
  | { kind: 'permanent'; code: string; error: string }; // 4xx, invalid address, SMTP 5xx, NO_PROVIDER
export interface ChannelProvider {
  readonly channel: Channel;
  readonly name: string; // shown in GET /admin/providers and in attempt rows, e.g. 'smtp', 'webhook', 'dev'
  send(msg: OutboundMessage, target?: unknown): Promise<SendOutcome>; // never throws for peer failures: classify them
}
