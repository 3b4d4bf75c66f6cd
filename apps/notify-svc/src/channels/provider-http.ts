import type { LookupFunction } from 'node:net';
import type { SendOutcome } from './channel-provider.js';
import { peerRequest, type PeerAnswer } from './peer-request.js';
import { retryAfterMs } from './webhook/webhook.provider.js';
import type { NotifyConfig } from '../config/notify-config.js';
import { guardedLookup, literalHostRefusal, type GuardOptions } from './webhook/ssrf-guard.js';

/**
 * One provider API call through the shared bounded peerRequest. A tenant's own base URL goes
 * through the SSRF guard (an IP literal here, a name at connect time); the platform's base URL is
 * the operator's configuration and is trusted.
 */
export async function providerCall(
  url: URL,
  opts: {
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
    guarded: { lookup: LookupFunction; opts: GuardOptions } | null;
  },
): Promise<PeerAnswer> {
  if (opts.guarded) {
    const refused = literalHostRefusal(url, opts.guarded.opts);
    if (refused) return { ok: false, code: 'SSRF_BLOCKED', error: refused };
  }
  return peerRequest(url, {
    method: 'POST',
    headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
    body: opts.body,
    timeoutMs: opts.timeoutMs,
    ...(opts.guarded ? { lookup: opts.guarded.lookup } : {}),
  });
}

/** A failed call that never got an answer: refused by the guard (permanent) or network/timeout (temporary). */
export function unanswered(a: Extract<PeerAnswer, { ok: false }>): SendOutcome {
  if (a.code === 'SSRF_BLOCKED') return { kind: 'permanent', code: 'SSRF_BLOCKED', error: a.error };
  return { kind: 'temporary', code: a.code, error: a.error };
}

/** 429 and 5xx are the provider's trouble, not the message's: retried, after Retry-After when given. */
export function temporaryStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

export function retryAfter(headers: Record<string, string | string[] | undefined>): { retryAfterMs?: number } {
  const raw = headers['retry-after'];
  const ms = retryAfterMs(Array.isArray(raw) ? raw[0] : raw);
  return ms !== undefined ? { retryAfterMs: ms } : {};
}

export function parseJson(body: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A short, single-line excerpt of a provider's own message (never our request, which carries credentials). */
export function excerpt(text: unknown, max = 300): string {
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, max) : '';
}

/** A tenant's own base URL goes through the webhooks' SSRF guard (WEBHOOK_ALLOW_PRIVATE lets tests use loopback). */
export function tenantGuard(config: NotifyConfig): { lookup: LookupFunction; opts: GuardOptions } {
  const opts = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE };
  return { lookup: guardedLookup(opts), opts };
}
