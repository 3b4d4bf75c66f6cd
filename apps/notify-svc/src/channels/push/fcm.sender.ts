import { SignJWT } from 'jose';
import type { OutboundMessage } from '../channel-provider.js';
import { retryAfterMs } from '../webhook/webhook.provider.js';
import type { FcmServiceAccount } from './fcm-service-account.js';
import { peerRequest } from '../peer-request.js';
import type { PushEndpoint } from './push-target.js';
import type { EndpointOutcome } from './web-push.sender.js';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** An access token is replaced this long before it expires, so no send carries a stale one. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface FcmOptions {
  account: FcmServiceAccount;
  apiUrl: string;
  timeoutMs: number;
}

/**
 * Access tokens for FCM by the OAuth 2.0 JWT bearer grant (RFC 7523), as Google's service accounts
 * use it: an RS256 assertion signed with the account's key (jose) exchanged at the token URI. One
 * token is cached per process until near expiry; concurrent sends share one refresh. Not
 * google-auth-library: it cannot be pointed at another token endpoint per configuration.
 */
export class FcmAccessTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly account: FcmServiceAccount,
    private readonly timeoutMs: number,
  ) {}

  get(now = Date.now()): Promise<string> {
    if (this.cached && this.cached.expiresAt - REFRESH_MARGIN_MS > now) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetch().finally(() => (this.pending = null));
    return this.pending;
  }

  invalidate(): void {
    this.cached = null;
  }

  private async fetch(): Promise<string> {
    const a = this.account;
    const assertion = await new SignJWT({ scope: SCOPE })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(a.privateKeyId ? { kid: a.privateKeyId } : {}) })
      .setIssuer(a.clientEmail)
      .setSubject(a.clientEmail)
      .setAudience(a.tokenUri)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(a.privateKey);
    const body = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString();
    const answer = await peerRequest(new URL(a.tokenUri), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
      body,
      timeoutMs: this.timeoutMs,
    });
    if (!answer.ok) throw new FcmAuthError(`token endpoint unreachable: ${answer.code}`);
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown };
    try {
      json = JSON.parse(answer.body) as typeof json;
    } catch {
      json = {};
    }
    if (answer.status !== 200 || typeof json.access_token !== 'string') {
      throw new FcmAuthError(`token endpoint answered ${answer.status}${typeof json.error === 'string' ? ` (${json.error})` : ''}`);
    }
    const ttl = typeof json.expires_in === 'number' ? json.expires_in : 3600;
    this.cached = { token: json.access_token, expiresAt: Date.now() + ttl * 1000 };
    return json.access_token;
  }
}

export class FcmAuthError extends Error {}

/** FCM HTTP v1 `messages:send` to one registration token. */
export class FcmSender {
  readonly tokens: FcmAccessTokens;
  private readonly sendUrl: URL;

  constructor(private readonly opts: FcmOptions) {
    this.tokens = new FcmAccessTokens(opts.account, opts.timeoutMs);
    this.sendUrl = new URL(`v1/projects/${encodeURIComponent(opts.account.projectId)}/messages:send`, withSlash(opts.apiUrl));
  }

  async send(msg: OutboundMessage, e: Extract<PushEndpoint, { kind: 'fcm' }>): Promise<EndpointOutcome> {
    let bearer: string;
    try {
      bearer = await this.tokens.get();
    } catch (err) {
      return { outcome: 'temporary', gone: false, code: 'FCM_AUTH', error: (err as Error).message };
    }
    // FCM `data` values must be strings.
    const data: Record<string, string> = { deliveryId: msg.deliveryId };
    for (const [k, v] of Object.entries(msg.data ?? {})) data[k] = typeof v === 'string' ? v : JSON.stringify(v);
    const body = JSON.stringify({
      message: { token: e.token, notification: { title: msg.content['title'] ?? '', body: msg.content['body'] ?? '' }, data },
    });
    const answer = await peerRequest(this.sendUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
      timeoutMs: this.opts.timeoutMs,
    });
    if (!answer.ok) return { outcome: 'temporary', gone: false, code: answer.code, error: answer.error };
    return classifyFcm(answer.status, answer.body, answer.headers['retry-after'], () => this.tokens.invalidate());
  }
}

/** FCM v1 errors (firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode). */
function classifyFcm(status: number, raw: string, retryAfter: string | string[] | undefined, onUnauthorized: () => void): EndpointOutcome {
  let json: { name?: unknown; error?: { status?: unknown; message?: unknown; details?: Array<{ errorCode?: unknown }> } } = {};
  try {
    json = JSON.parse(raw) as typeof json;
  } catch {
    /* not JSON: judged by the status alone */
  }
  if (status === 200) return { outcome: 'sent', gone: false, messageId: typeof json.name === 'string' ? json.name.slice(0, 500) : null };
  const fcmCode =
    json.error?.details?.map((d) => d.errorCode).find((c): c is string => typeof c === 'string') ??
    (typeof json.error?.status === 'string' ? json.error.status : `HTTP_${status}`);
  const error = `FCM answered ${status} ${fcmCode}${typeof json.error?.message === 'string' ? `: ${json.error.message.slice(0, 200)}` : ''}`;
  if (fcmCode === 'UNREGISTERED' || status === 404) return { outcome: 'permanent', gone: true, code: 'UNREGISTERED', error };
  if (status === 401) {
    onUnauthorized();
    return { outcome: 'temporary', gone: false, code: 'FCM_AUTH', error };
  }
  if (status === 429 || status >= 500 || fcmCode === 'UNAVAILABLE' || fcmCode === 'INTERNAL' || fcmCode === 'QUOTA_EXCEEDED') {
    const ms = retryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return { outcome: 'temporary', gone: false, code: fcmCode, error, ...(ms !== undefined ? { retryAfterMs: ms } : {}) };
  }
  return { outcome: 'permanent', gone: false, code: fcmCode, error };
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}
