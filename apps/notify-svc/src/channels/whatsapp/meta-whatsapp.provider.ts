import type { LookupFunction } from 'node:net';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider.js';
import type { GuardOptions } from '../webhook/ssrf-guard.js';
import { excerpt, parseJson, providerCall, retryAfter, temporaryStatus, unanswered } from '../provider-http.js';

/** A WhatsApp Cloud API sender: the platform's (environment) or a tenant's own. */
export interface MetaAccount {
  accessToken: string;
  phoneNumberId: string;
  baseUrl: string;
}

export interface MetaWhatsAppOptions {
  platform: MetaAccount | null;
  /** Base URL of the Graph API for tenants' accounts that set none (WHATSAPP_CLOUD_API_URL). */
  apiUrl: string;
  apiVersion: string;
  timeoutMs: number;
  tenantGuard: { lookup: LookupFunction; opts: GuardOptions };
}

/**
 * Meta's throttling and transient error codes, which the Graph API may answer with a 400: the
 * message itself is fine, so they are retried (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
 */
const TEMPORARY_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131056, 133004]);

/**
 * The WhatsApp Cloud API (`POST /{version}/{phone-number-id}/messages`, bearer token, JSON): a text
 * message to the E.164 number without its `+`; the answer's `messages[0].id` (wamid) is the
 * provider message id its status webhooks refer to. Over peerRequest for the same reasons as
 * Twilio (one JSON POST; a tenant base URL needs the guarded lookup).
 */
export class MetaWhatsAppProvider implements ChannelProvider {
  readonly channel = 'whatsapp' as const;
  readonly name = 'meta';
  readonly provider = 'meta';
  readonly accountOnly: boolean;

  constructor(private readonly opts: MetaWhatsAppOptions) {
    this.accountOnly = opts.platform === null;
  }

  async send(msg: OutboundMessage): Promise<SendOutcome> {
    const tenant = msg.account?.provider === this.provider ? msg.account : undefined;
    const account: MetaAccount | null = tenant
      ? tenant.credentials['accessToken'] && tenant.credentials['phoneNumberId']
        ? {
            accessToken: tenant.credentials['accessToken'],
            phoneNumberId: tenant.credentials['phoneNumberId'],
            baseUrl: tenant.baseUrl ?? this.opts.apiUrl,
          }
        : null
      : this.opts.platform;
    if (!account)
      return { kind: 'permanent', code: 'NO_PROVIDER_ACCOUNT', error: 'no WhatsApp Cloud API account (platform or tenant) is configured' };
    const body = JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: msg.address.replace(/^\+/, ''),
      type: 'text',
      text: { body: msg.content['text'] ?? '', preview_url: false },
    });
    const url = new URL(
      `${account.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.opts.apiVersion)}/${encodeURIComponent(account.phoneNumberId)}/messages`,
    );
    const a = await providerCall(url, {
      headers: {
        authorization: `Bearer ${account.accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'notify-svc/1',
      },
      body,
      timeoutMs: this.opts.timeoutMs,
      guarded: tenant?.baseUrl ? this.opts.tenantGuard : null,
    });
    if (!a.ok) return unanswered(a);
    const json = parseJson(a.body);
    if (a.status >= 200 && a.status < 300) {
      const messages = json?.['messages'];
      const first = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined) : undefined;
      const id = typeof first?.id === 'string' ? first.id.slice(0, 200) : null;
      return { kind: 'sent', providerMessageId: id, detail: tenant ? { account: 'tenant' } : {} };
    }
    // {"error": {"message": "(#131030) Recipient phone number not in allowed list", "type": "OAuthException", "code": 131030, ...}}
    const err = (json?.['error'] ?? null) as { code?: unknown; message?: unknown } | null;
    const metaCode = typeof err?.code === 'number' ? err.code : Number(err?.code);
    const code = Number.isFinite(metaCode) ? `META_${metaCode}` : `HTTP_${a.status}`;
    const error = `WhatsApp Cloud API answered ${a.status}${excerpt(err?.message) ? `: ${excerpt(err?.message)}` : ''}`;
    if (temporaryStatus(a.status) || TEMPORARY_CODES.has(metaCode)) return { kind: 'temporary', code, error, ...retryAfter(a.headers) };
    return { kind: 'permanent', code, error };
  }
}
