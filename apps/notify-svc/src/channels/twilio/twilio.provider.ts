import type { LookupFunction } from 'node:net';
import type { ChannelProvider, OutboundMessage, ProviderAccount, SendOutcome } from '../channel-provider.js';
import type { GuardOptions } from '../webhook/ssrf-guard.js';
import { excerpt, parseJson, providerCall, retryAfter, temporaryStatus, unanswered } from '../provider-http.js';
import { smsSegments } from '../sms/sms-segments.js';

/** A Twilio account and its senders: the platform's (environment) or a tenant's own. */
export interface TwilioAccount {
  accountSid: string;
  authToken: string;
  from?: string;
  whatsappFrom?: string;
  messagingServiceSid?: string;
  baseUrl: string;
}

export interface TwilioProviderOptions {
  channel: 'sms' | 'whatsapp';
  /** The platform's account; null when only tenants' own accounts may send. */
  platform: TwilioAccount | null;
  /** Base URL of the API for tenants' accounts that set none (TWILIO_API_URL). */
  apiUrl: string;
  /** Only tenants' own accounts send through this instance (no platform account or no sender for the channel). */
  accountOnly: boolean;
  /** StatusCallback URL: receipts come back to POST /notify/v1/webhooks/twilio. */
  statusCallback: string;
  timeoutMs: number;
  /** The SSRF guard for a tenant's own base URL (connect-time lookup and its options). */
  tenantGuard: { lookup: LookupFunction; opts: GuardOptions };
}

/**
 * The Twilio Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, HTTP
 * basic auth) for SMS and, with `whatsapp:` addresses, WhatsApp: one class, one instance per
 * channel. Hand-written over peerRequest rather than the `twilio` SDK: the SDK brings axios, cannot
 * take the SSRF-guarded lookup a tenant's base URL needs, and the call is one form POST. The auth
 * token only ever goes into the Authorization header: never in an outcome, a log line or an error.
 */
export class TwilioProvider implements ChannelProvider {
  readonly name = 'twilio';
  readonly provider = 'twilio';
  readonly channel: 'sms' | 'whatsapp';
  readonly accountOnly: boolean;

  constructor(private readonly opts: TwilioProviderOptions) {
    this.channel = opts.channel;
    this.accountOnly = opts.accountOnly;
  }

  async send(msg: OutboundMessage): Promise<SendOutcome> {
    const tenant = msg.account?.provider === this.provider ? msg.account : undefined;
    const account = tenant ? fromTenant(tenant, this.opts.apiUrl) : this.opts.platform;
    if (!account) return { kind: 'permanent', code: 'NO_PROVIDER_ACCOUNT', error: 'no Twilio account (platform or tenant) is configured' };
    const whatsapp = this.channel === 'whatsapp';
    const text = msg.content['text'] ?? '';
    const form = new URLSearchParams();
    form.set('To', whatsapp ? `whatsapp:${msg.address}` : msg.address);
    const from = whatsapp ? account.whatsappFrom : account.from;
    if (from) form.set('From', whatsapp ? `whatsapp:${from.replace(/^whatsapp:/, '')}` : from);
    else if (account.messagingServiceSid) form.set('MessagingServiceSid', account.messagingServiceSid);
    else return { kind: 'permanent', code: 'NO_SENDER', error: `the Twilio account has no ${whatsapp ? 'WhatsApp ' : ''}sender` };
    form.set('Body', text);
    form.set('StatusCallback', this.opts.statusCallback);
    const url = new URL(
      `${account.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`,
    );
    const a = await providerCall(url, {
      headers: {
        authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': 'notify-svc/1',
      },
      body: form.toString(),
      timeoutMs: this.opts.timeoutMs,
      guarded: tenant?.baseUrl ? this.opts.tenantGuard : null,
    });
    if (!a.ok) return unanswered(a);
    const json = parseJson(a.body);
    if (a.status >= 200 && a.status < 300) {
      const sid = typeof json?.['sid'] === 'string' ? json['sid'].slice(0, 200) : null;
      const detail: Record<string, unknown> = { status: excerpt(json?.['status'], 40) || null };
      if (!whatsapp) {
        const s = smsSegments(text);
        detail['encoding'] = s.encoding;
        detail['segments'] = s.segments;
      }
      if (tenant) detail['account'] = 'tenant';
      return { kind: 'sent', providerMessageId: sid, detail };
    }
    // Twilio's error answer: {"code": 21211, "message": "The 'To' number … is not a valid phone number.", "status": 400}
    const code =
      typeof json?.['code'] === 'number' || typeof json?.['code'] === 'string' ? `TWILIO_${String(json['code'])}` : `HTTP_${a.status}`;
    const error = `Twilio answered ${a.status}${excerpt(json?.['message']) ? `: ${excerpt(json?.['message'])}` : ''}`;
    if (temporaryStatus(a.status)) return { kind: 'temporary', code, error, ...retryAfter(a.headers) };
    return { kind: 'permanent', code, error };
  }
}

function fromTenant(a: ProviderAccount, platformBaseUrl = 'https://api.twilio.com'): TwilioAccount | null {
  const { accountSid, authToken } = a.credentials;
  if (!accountSid || !authToken) return null;
  return {
    accountSid,
    authToken,
    from: a.sender['from'],
    whatsappFrom: a.sender['whatsappFrom'],
    messagingServiceSid: a.sender['messagingServiceSid'],
    baseUrl: a.baseUrl ?? platformBaseUrl,
  };
}
