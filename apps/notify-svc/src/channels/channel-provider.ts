import type { Channel } from './channel-registry.js';

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
  /**
   * The tenant's own account for this provider (PUT /notify/v1/providers/:provider), decrypted for
   * this send only; absent means the platform's account from the environment.
   */
  account?: ProviderAccount;
}

/** A provider account brought by a tenant: credentials (secret), sender identity and an optional base URL. */
export interface ProviderAccount {
  owner: 'tenant';
  provider: string; // the ChannelProvider.provider key, e.g. 'twilio', 'meta'
  credentials: Record<string, string>; // twilio {accountSid, authToken}; meta {accessToken, phoneNumberId, appSecret}
  sender: Record<string, string>; // twilio {from?, whatsappFrom?, messagingServiceSid?}; meta {} (phone number id is the sender)
  baseUrl?: string; // already checked by the SSRF guard when stored
}
export type SendOutcome =
  | { kind: 'sent'; providerMessageId: string | null; detail?: Record<string, unknown> }
  | {
      kind: 'temporary';
      code: string;
      error: string;
      retryAfterMs?: number;
      /**
       * The peer may have taken the message although no success came back (a timeout or a connection
       * lost after the request was written). Unset: decided from the code (see mayHaveReachedPeer).
       * Such a delivery stays on this provider for its retries: failover never hands it to another.
       */
      ambiguous?: boolean;
    } // network, timeout, 5xx, 429 (+Retry-After), SMTP 4xx
  | { kind: 'permanent'; code: string; error: string }; // 4xx, invalid address, SMTP 5xx, NO_PROVIDER
export interface ChannelProvider {
  readonly channel: Channel;
  readonly name: string; // shown in GET /admin/providers and in attempt rows, e.g. 'smtp', 'webhook', 'dev'
  /** The account family a tenant can bring credentials for (PUT /providers/:provider), e.g. 'twilio' for both SMS and WhatsApp. */
  readonly provider?: string;
  /**
   * True when the platform has no account with this provider: it sends only for tenants that
   * brought their own (PUT /providers/:provider), and is not in the channel's failover list.
   */
  readonly accountOnly?: boolean;
  send(msg: OutboundMessage, target?: unknown): Promise<SendOutcome>; // never throws for peer failures: classify them
}

/** Network failures that can happen after the peer has the whole request: its answer is what was lost. */
const AMBIGUOUS_CODES = new Set([
  'TIMEOUT',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ESOCKET',
  'ECONNECTION',
  'PROVIDER_ERROR',
]);

/**
 * Whether the peer may hold the message after this outcome. A sent one does; a permanent refusal or
 * a temporary answer from the peer (SMTP 4xx, HTTP 429/5xx, connection refused, CIRCUIT_OPEN) means
 * it did not take it, so another provider may send it without a duplicate; a timeout or a lost
 * connection is ambiguous unless the provider knows better (SendOutcome.ambiguous).
 */
export function mayHaveReachedPeer(outcome: SendOutcome): boolean {
  if (outcome.kind === 'sent') return true;
  if (outcome.kind === 'permanent') return false;
  return outcome.ambiguous ?? AMBIGUOUS_CODES.has(outcome.code);
}
