import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (a length difference is answered without looking at the content). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** POST parameters by name, each with every value it was sent with (a form may repeat a name). */
export type FormParams = Map<string, string[]>;

export function parseForm(raw: string): FormParams {
  const params: FormParams = new Map();
  for (const [k, v] of new URLSearchParams(raw)) {
    const values = params.get(k);
    if (values) values.push(v);
    else params.set(k, [v]);
  }
  return params;
}

/**
 * Twilio's `X-Twilio-Signature` (https://www.twilio.com/docs/usage/webhooks/webhooks-security):
 * base64 of HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio called (scheme,
 * host, path and query) followed by every POST parameter sorted by name, as name + value with no
 * separators. As twilio-node's `validateRequest` (checked against its source, src/webhooks/webhooks.ts):
 * a repeated name contributes each distinct value in sorted order, and the URL is tried with and
 * without its port, since Twilio's own signing is inconsistent about :443. Hand-written because the
 * `twilio` package is the whole REST client (tens of MB) for these few lines.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const name of [...params.keys()].sort()) {
    for (const value of [...new Set(params.get(name))].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The URL as Twilio may have signed it: with the default port written out, and without a port. */
function twilioUrlVariants(url: string): string[] {
  const u = new URL(url);
  const withPort = u.port ? u.toString() : `${u.protocol}//${u.hostname}:${u.protocol === 'https:' ? 443 : 80}${u.pathname}${u.search}`;
  const bare = new URL(url);
  bare.port = '';
  return [...new Set([bare.toString(), withPort])];
}

export function verifyTwilio(authToken: string, header: string | undefined, url: string, params: FormParams): boolean {
  if (!header) return false;
  let ok = false;
  // Every variant is computed and compared (no early exit), so the time does not tell which one failed.
  for (const variant of twilioUrlVariants(url)) ok = safeEqual(header, twilioSignature(authToken, variant, params)) || ok;
  return ok;
}

/**
 * Meta's `X-Hub-Signature-256` (WhatsApp Cloud API webhooks, Graph API "Validating payloads"):
 * `sha256=` and the lowercase hex HMAC-SHA256 of the exact request body, keyed with the app secret.
 */
export function metaSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

export function verifyMeta(appSecret: string, header: string | undefined, rawBody: Buffer): boolean {
  return Boolean(header) && safeEqual(header!.trim().toLowerCase(), metaSignature(appSecret, rawBody));
}

export const sha256Hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
