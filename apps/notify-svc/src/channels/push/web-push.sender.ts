import webpush from 'web-push';
import { guardedLookup, literalHostRefusal, type GuardOptions } from '../webhook/ssrf-guard.js';
import { retryAfterMs } from '../webhook/webhook.provider.js';
import type { OutboundMessage } from '../channel-provider.js';
import { peerRequest } from '../peer-request.js';
import type { PushEndpoint, PushEndpointResult } from './push-target.js';

export interface WebPushOptions extends GuardOptions {
  publicKey: string;
  privateKey: string;
  subject: string;
  timeoutMs: number;
  /** Seconds a push service keeps an undelivered message (the TTL header). */
  ttlSeconds?: number;
}

export type EndpointOutcome = Omit<PushEndpointResult, 'kind' | 'id'> & { error?: string; retryAfterMs?: number };

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payload encryption (RFC 8291): the
 * `web-push` library builds the encrypted body and the signed headers; the request itself goes
 * through the SSRF guard (a subscription's endpoint is a URL a client gave us).
 */
export class WebPushSender {
  private readonly lookup;

  constructor(private readonly opts: WebPushOptions) {
    this.lookup = guardedLookup(opts);
  }

  get publicKey(): string {
    return this.opts.publicKey;
  }

  async send(msg: OutboundMessage, e: Extract<PushEndpoint, { kind: 'web' }>): Promise<EndpointOutcome> {
    const url = new URL(e.endpoint);
    const refused = literalHostRefusal(url, this.opts);
    if (refused) return { outcome: 'permanent', gone: false, code: 'SSRF_BLOCKED', error: refused };
    const payload = JSON.stringify({
      id: msg.deliveryId,
      title: msg.content['title'] ?? '',
      body: msg.content['body'] ?? '',
      category: msg.category,
      data: msg.data,
    });
    const details = webpush.generateRequestDetails({ endpoint: e.endpoint, keys: { p256dh: e.p256dh, auth: e.auth } }, payload, {
      vapidDetails: { subject: this.opts.subject, publicKey: this.opts.publicKey, privateKey: this.opts.privateKey },
      TTL: this.opts.ttlSeconds ?? 86_400,
      contentEncoding: 'aes128gcm',
      // One delivery id per message: a push service or service worker can collapse our retries.
      topic: msg.deliveryId.replace(/-/g, '').slice(0, 32),
    });
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const answer = await peerRequest(url, {
      method: details.method,
      headers,
      body: details.body ?? undefined,
      timeoutMs: this.opts.timeoutMs,
      lookup: this.lookup,
    });
    if (!answer.ok) {
      if (answer.code === 'SSRF_BLOCKED') return { outcome: 'permanent', gone: false, code: 'SSRF_BLOCKED', error: answer.error };
      return { outcome: 'temporary', gone: false, code: answer.code, error: answer.error };
    }
    const s = answer.status;
    if (s >= 200 && s < 300) {
      const location = answer.headers['location'];
      return { outcome: 'sent', gone: false, messageId: typeof location === 'string' ? location.slice(0, 500) : null };
    }
    const error = `push service answered ${s}`;
    if (s === 404 || s === 410) return { outcome: 'permanent', gone: true, code: 'SUBSCRIPTION_GONE', error };
    if (s >= 500 || s === 429 || s === 408) {
      const ra = answer.headers['retry-after'];
      const ms = retryAfterMs(Array.isArray(ra) ? ra[0] : ra);
      return { outcome: 'temporary', gone: false, code: `HTTP_${s}`, error, ...(ms !== undefined ? { retryAfterMs: ms } : {}) };
    }
    return { outcome: 'permanent', gone: false, code: `HTTP_${s}`, error };
  }
}
