import { Webhook } from 'standardwebhooks';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider.js';
import { peerRequest } from '../peer-request.js';
import type { WebhookTarget } from '../../webhook-endpoints/webhook-targets.js';
import { guardedLookup, literalHostRefusal, type GuardOptions } from './ssrf-guard.js';

const TEMPORARY_STATUSES = new Set([408, 425, 429]);

export interface WebhookProviderOptions extends GuardOptions {
  timeoutMs: number;
  userAgent?: string;
}

/**
 * POSTs the notification to a registered endpoint, signed per Standard Webhooks (the
 * `standardwebhooks` package): `webhook-id` is the delivery id, stable across attempts, so a
 * receiver that deduplicates on it sees one message however often we retry. Through the SSRF
 * guard at connect time; no redirects followed; bounded time and response size.
 */
export class WebhookProvider implements ChannelProvider {
  readonly channel = 'webhook' as const;
  readonly name = 'webhook';
  private readonly lookup;

  constructor(private readonly opts: WebhookProviderOptions) {
    this.lookup = guardedLookup(opts);
  }

  async send(msg: OutboundMessage, target?: unknown): Promise<SendOutcome> {
    const t = target as WebhookTarget;
    const url = new URL(t.url);
    const refused = literalHostRefusal(url, this.opts);
    if (refused) return { kind: 'permanent', code: 'SSRF_BLOCKED', error: refused };
    const timestamp = new Date();
    const payload = JSON.stringify({
      id: msg.deliveryId,
      type: 'notification',
      timestamp: timestamp.toISOString(),
      data: {
        deliveryId: msg.deliveryId,
        channel: msg.channel,
        category: msg.category,
        content: msg.content,
        data: msg.data,
        recipient: msg.recipient,
      },
    });
    // During a secret rotation both secrets sign: the spec allows several space-separated signatures.
    const signature = t.secrets.map((s) => new Webhook(s).sign(msg.deliveryId, timestamp, payload)).join(' ');
    const headers = {
      'content-type': 'application/json',
      'user-agent': this.opts.userAgent ?? 'notify-svc-webhooks/1',
      'webhook-id': msg.deliveryId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
      'content-length': String(Buffer.byteLength(payload)),
    };
    return this.post(url, headers, payload);
  }

  private async post(url: URL, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const a = await peerRequest(url, { method: 'POST', headers, body, timeoutMs: this.opts.timeoutMs, lookup: this.lookup });
    if (a.ok) return classify(a.status, a.headers['retry-after'], a.body);
    if (a.code === 'SSRF_BLOCKED') return { kind: 'permanent', code: 'SSRF_BLOCKED', error: a.error };
    return { kind: 'temporary', code: a.code, error: a.error };
  }
}

function classify(status: number, retryAfter: string | string[] | undefined, body: string): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'sent', providerMessageId: peerId(body) };
  const error = `receiver answered ${status}`;
  if (status >= 300 && status < 400) return { kind: 'permanent', code: 'REDIRECT', error: `${error} (redirects are not followed)` };
  if (status >= 500 || TEMPORARY_STATUSES.has(status)) {
    const ms = retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return { kind: 'temporary', code: `HTTP_${status}`, error, ...(ms !== undefined ? { retryAfterMs: ms } : {}) };
  }
  return { kind: 'permanent', code: `HTTP_${status}`, error };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function peerId(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : null;
  } catch {
    return null;
  }
}
