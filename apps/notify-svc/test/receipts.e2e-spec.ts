import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { buildGateway } from '../../gateway/src/gateway.js';
import { RECEIPT_ACCOUNTS, type ReceiptAccounts } from '../src/provider-callbacks/receipt-accounts.js';
import { INTERNAL_KEY, NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const PUBLIC_URL = 'https://notify.example.com';
const PLATFORM_SID = `AC${'0f'.repeat(16)}`;
const TWILIO_TOKEN = `twilio-${randomBytes(12).toString('hex')}`;
const META_SECRET = `meta-${randomBytes(12).toString('hex')}`;
const META_VERIFY = `verify-${randomBytes(8).toString('hex')}`;
const GENERIC_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const TWILIO_PATH = '/notify/v1/webhooks/twilio';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Twilio's scheme, written out here independently of the service: URL + sorted name+value, HMAC-SHA1, base64. */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}
const metaSign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('provider webhooks: signed delivery receipts and STOP / START', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      NOTIFY_PUBLIC_URL: PUBLIC_URL,
      TWILIO_ACCOUNT_SID: PLATFORM_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      WHATSAPP_CLOUD_APP_SECRET: META_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: META_VERIFY,
      RECEIPTS_WEBHOOK_SECRET: GENERIC_SECRET,
    });
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Sends through the dev provider and waits for `sent`; its provider message id (`dev-…`) stands for the provider's. */
  async function sent(t: TestTenant, channel: 'sms' | 'whatsapp' | 'email', to: Record<string, string>) {
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel, to, subject: 'Hi', body: 'Your code is 1234' },
      { token: t.organizer },
    );
    expect(res.status).toBe(202);
    const id = res.body.data.id as string;
    const d = await env.eventually(async () => {
      const r = await env.http.get(`/notify/v1/deliveries/${id}`, { token: t.admin });
      return r.body.data.status === 'sent' && r.body.data;
    });
    expect(d.providerMessageId).toMatch(/^dev-/);
    return { id, sid: d.providerMessageId as string };
  }
  const delivery = async (t: TestTenant, id: string) => (await env.http.get(`/notify/v1/deliveries/${id}`, { token: t.admin })).body.data;
  const eventTypes = async (t: TestTenant, id: string) => ((await delivery(t, id)).events as Array<{ type: string }>).map((e) => e.type);
  const suppressions = async (t: TestTenant, channel: string) =>
    (await env.http.get(`/notify/v1/suppressions?channel=${channel}`, { token: t.admin })).body.data as Array<{
      address: string;
      reason: string;
    }>;

  function twilio(
    params: Record<string, string>,
    o: { token?: string; signature?: string | null; signedUrl?: string; path?: string } = {},
  ) {
    const path = o.path ?? TWILIO_PATH;
    const signature =
      o.signature === null ? undefined : (o.signature ?? twilioSign(o.token ?? TWILIO_TOKEN, o.signedUrl ?? PUBLIC_URL + path, params));
    return env.http.request('POST', path, {
      raw: new URLSearchParams(params).toString(),
      headers: { ...FORM, ...(signature ? { 'x-twilio-signature': signature } : {}) },
    });
  }
  function meta(body: unknown, o: { secret?: string; signature?: string | null } = {}) {
    const raw = JSON.stringify(body);
    const signature = o.signature === null ? undefined : (o.signature ?? metaSign(o.secret ?? META_SECRET, raw));
    return env.http.request('POST', '/notify/v1/webhooks/meta', {
      raw,
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    });
  }
  function generic(body: unknown, o: { secret?: string; at?: Date; id?: string; signature?: string } = {}) {
    const raw = JSON.stringify(body);
    const id = o.id ?? `msg_${randomUUID()}`;
    const at = o.at ?? new Date();
    const signature = o.signature ?? new Webhook(o.secret ?? GENERIC_SECRET).sign(id, at, raw);
    return env.http.request('POST', '/notify/v1/webhooks/generic', {
      raw,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
    });
  }
  const metaStatus = (id: string, status: string, errors?: unknown[]) => ({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA-1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: 'PN-1' },
              statuses: [{ id, status, timestamp: '1700000000', recipient_id: '15551230000', ...(errors ? { errors } : {}) }],
            },
          },
        ],
      },
    ],
  });
  async function receiptsMetric(provider: string, outcome: string): Promise<number> {
    const text = (await env.http.get('/metrics', { headers: { 'x-internal-api-key': INTERNAL_KEY } })).text;
    const line = text
      .split('\n')
      .find((l) => l.startsWith('notify_receipts_total{') && l.includes(`provider="${provider}"`) && l.includes(`outcome="${outcome}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  describe('twilio', () => {
    it('a signed status callback moves the delivery to delivered, without any JWT; the same receipt again changes nothing', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155210001' });
      const before = { accepted: await receiptsMetric('twilio', 'accepted'), duplicate: await receiptsMetric('twilio', 'duplicate') };
      const params = {
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: 'delivered',
        SmsStatus: 'delivered',
        To: '+14155210001',
        From: '+14155200000',
        AccountSid: 'AC1',
      };
      const res = await twilio(params);
      expect(res.status).toBe(200);
      expect(res.body.error).toBeNull();
      expect(res.body.data).toMatchObject({ provider: 'twilio', events: 1, accepted: 1, duplicate: 0 });
      const d = await delivery(a, id);
      expect(d.status).toBe('delivered');
      expect(d.deliveredAt).not.toBeNull();

      const again = await twilio(params);
      expect(again.status).toBe(200);
      expect(again.body.data).toMatchObject({ accepted: 0, duplicate: 1 });
      expect((await eventTypes(a, id)).filter((t) => t === 'delivered')).toHaveLength(1);
      expect(await receiptsMetric('twilio', 'accepted')).toBe(before.accepted + 1);
      expect(await receiptsMetric('twilio', 'duplicate')).toBe(before.duplicate + 1);
    });

    it('a bad, missing or misdirected signature is 401 in the envelope, changes nothing, and is counted', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155210002' });
      const events = await eventTypes(a, id);
      const before = await receiptsMetric('twilio', 'bad_signature');
      const params = { MessageSid: sid, MessageStatus: 'delivered', To: '+14155210002' };
      const refused = [
        await twilio(params, { token: 'not-the-token' }),
        await twilio(params, { signature: null }),
        await twilio(params, { signature: 'garbage' }),
        // Signed for another URL (the signature covers the URL Twilio called).
        await twilio(params, { signedUrl: `${PUBLIC_URL}/notify/v1/webhooks/other` }),
        // Signed, then a parameter changed in transit.
        await twilio(
          { ...params, MessageStatus: 'delivered' },
          { signature: twilioSign(TWILIO_TOKEN, PUBLIC_URL + TWILIO_PATH, { ...params, MessageStatus: 'failed' }) },
        ),
      ];
      for (const r of refused) {
        expect(r.status).toBe(401);
        expect(r.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
      }
      expect((await delivery(a, id)).status).toBe('sent');
      expect(await eventTypes(a, id)).toEqual(events);
      expect(await receiptsMetric('twilio', 'bad_signature')).toBe(before + refused.length);
    });

    it('the query string is part of the signed URL', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155210003' });
      const path = `${TWILIO_PATH}?tenant=x&k=1`;
      const params = { MessageSid: sid, MessageStatus: 'delivered' };
      expect((await twilio(params, { path, signedUrl: PUBLIC_URL + TWILIO_PATH })).status).toBe(401);
      expect((await twilio(params, { path })).status).toBe(200);
      expect((await delivery(a, id)).status).toBe('delivered');
    });

    it('queued / sent change nothing; an unknown message is 200 and counted; a temporary error fails without suppressing', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155210004' });
      const ignored = await twilio({ MessageSid: sid, MessageStatus: 'sent' });
      expect(ignored.body.data).toMatchObject({ ignored: 1 });
      expect((await delivery(a, id)).status).toBe('sent');

      const unknownBefore = await receiptsMetric('twilio', 'unknown_message');
      const unknown = await twilio({ MessageSid: `SM${randomBytes(16).toString('hex')}`, MessageStatus: 'delivered' });
      expect(unknown.status).toBe(200);
      expect(unknown.body.data).toMatchObject({ unknownMessage: 1, accepted: 0 });
      expect(await receiptsMetric('twilio', 'unknown_message')).toBe(unknownBefore + 1);

      const failed = await twilio({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30008' });
      expect(failed.body.data).toMatchObject({ accepted: 1 });
      const d = await delivery(a, id);
      expect(d.status).toBe('failed');
      expect(d.statusReason).toContain('30008');
      expect((await suppressions(a, 'sms')).map((s) => s.address)).not.toContain('+14155210004');
    });

    it('a hard bounce (ErrorCode 30003) bounces the delivery with the reason, suppresses the number, and the next send is suppressed', async () => {
      const phone = '+14155210005';
      const { id, sid } = await sent(a, 'sms', { phone });
      const res = await twilio({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', To: phone });
      expect(res.body.data).toMatchObject({ accepted: 1 });
      const d = await delivery(a, id);
      expect(d.status).toBe('bounced');
      expect(d.statusReason).toBe('twilio 30003: Unreachable destination handset');
      expect(d.bouncedAt).not.toBeNull();
      const s = (await suppressions(a, 'sms')).find((x) => x.address === phone);
      expect(s?.reason).toContain('30003');
      // The other tenant never sent there: untouched.
      expect((await suppressions(b, 'sms')).map((x) => x.address)).not.toContain(phone);

      const next = await env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone }, body: 'again' }, { token: a.organizer });
      expect(next.status).toBe(202);
      expect(next.body.data.status).toBe('suppressed');
      // The same bounce again: no second event, no second suppression.
      expect((await twilio({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).body.data).toMatchObject({
        duplicate: 1,
      });
      expect((await eventTypes(a, id)).filter((t) => t === 'bounced')).toHaveLength(1);
    });

    it('an inbound STOP suppresses the number for the tenant that last sent to it; START lifts it', async () => {
      const phone = '+14155210006';
      await sent(b, 'sms', { phone }); // earlier sender
      await sent(a, 'sms', { phone }); // most recent sender
      const inbound = (body: string, extra: Record<string, string> = {}) =>
        twilio({
          MessageSid: `SM${randomBytes(16).toString('hex')}`,
          SmsStatus: 'received',
          From: phone,
          To: '+14155200000',
          Body: body,
          NumMedia: '0',
          ...extra,
        });

      const stop = await inbound('  Stop ');
      expect(stop.status).toBe(200);
      expect(stop.body.data).toMatchObject({ accepted: 1 });
      const s = (await suppressions(a, 'sms')).find((x) => x.address === phone);
      expect(s?.reason).toContain('STOP');
      expect((await suppressions(b, 'sms')).map((x) => x.address)).not.toContain(phone);
      const next = await env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone }, body: 'x' }, { token: a.organizer });
      expect(next.body.data.status).toBe('suppressed');
      expect((await inbound('STOP')).body.data).toMatchObject({ duplicate: 1 });

      // A bad signature on an inbound message changes nothing either.
      expect((await twilio({ From: phone, Body: 'START', MessageSid: 'SMx' }, { token: 'wrong' })).status).toBe(401);
      expect((await suppressions(a, 'sms')).map((x) => x.address)).toContain(phone);

      const start = await inbound('start');
      expect(start.body.data).toMatchObject({ accepted: 1 });
      expect((await suppressions(a, 'sms')).map((x) => x.address)).not.toContain(phone);
      const after = await env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone }, body: 'x' }, { token: a.organizer });
      expect(after.body.data.status).toBe('queued');

      // Advanced Opt-Out tells it outright, whatever the words; a plain reply is nothing.
      expect((await inbound('Arrêtez svp', { OptOutType: 'STOP' })).body.data).toMatchObject({ accepted: 1 });
      expect((await suppressions(a, 'sms')).map((x) => x.address)).toContain(phone);
      expect((await inbound('thanks!')).body.data).toMatchObject({ ignored: 1 });
    });

    it('a WhatsApp STOP (whatsapp:+…) suppresses the number on the whatsapp channel only', async () => {
      const phone = '+14155210007';
      await sent(a, 'whatsapp', { phone });
      await sent(a, 'sms', { phone });
      const res = await twilio({
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        SmsStatus: 'received',
        From: `whatsapp:${phone}`,
        To: 'whatsapp:+14155200000',
        Body: 'UNSUBSCRIBE',
      });
      expect(res.body.data).toMatchObject({ accepted: 1 });
      expect((await suppressions(a, 'whatsapp')).map((x) => x.address)).toContain(phone);
      expect((await suppressions(a, 'sms')).map((x) => x.address)).not.toContain(phone);
    });

    it('refuses other media types and oversized bodies before any change', async () => {
      const json = await env.http.post(TWILIO_PATH, { MessageSid: 'x' });
      expect(json.status).toBe(415);
      const big = await env.http.request('POST', TWILIO_PATH, { raw: `Body=${'x'.repeat(70_000)}`, headers: FORM });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await env.http.post('/notify/v1/webhooks/nope', {})).status).toBe(404);
    });

    it('reaches notify-svc through the gateway, signature intact', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155210008' });
      const gateway: FastifyInstance = await buildGateway({ AUTH_UPSTREAM_URL: 'http://127.0.0.1:9', NOTIFY_UPSTREAM_URL: env.t.baseUrl });
      await gateway.listen({ port: 0, host: '127.0.0.1' });
      try {
        const params = { MessageSid: sid, MessageStatus: 'delivered' };
        const base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
        const res = await fetch(base + TWILIO_PATH, {
          method: 'POST',
          headers: { ...FORM, 'x-twilio-signature': twilioSign(TWILIO_TOKEN, PUBLIC_URL + TWILIO_PATH, params) },
          body: new URLSearchParams(params).toString(),
        });
        expect(res.status).toBe(200);
        expect((await delivery(a, id)).status).toBe('delivered');
      } finally {
        await gateway.close();
      }
    });
  });

  describe('meta (WhatsApp Cloud API)', () => {
    it('answers the subscription handshake only with the verify token', async () => {
      const ok = await env.http.get(`/notify/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=${META_VERIFY}&hub.challenge=1158201444`);
      expect(ok.status).toBe(200);
      expect(ok.text).toBe('1158201444');
      const bad = await env.http.get('/notify/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1');
      expect(bad.status).toBe(403);
      expect(bad.body.error.code).toBe('FORBIDDEN');
      expect((await env.http.get('/notify/v1/webhooks/twilio?hub.mode=subscribe')).status).toBe(404);
    });

    it('a signed status moves the delivery (delivered, then read: once); a bad or missing signature is 401', async () => {
      const { id, sid } = await sent(a, 'whatsapp', { phone: '+14155220001' });
      const before = await receiptsMetric('meta', 'bad_signature');
      expect((await meta(metaStatus(sid, 'delivered'), { secret: 'wrong' })).status).toBe(401);
      expect((await meta(metaStatus(sid, 'delivered'), { signature: null })).status).toBe(401);
      expect((await delivery(a, id)).status).toBe('sent');
      expect(await receiptsMetric('meta', 'bad_signature')).toBe(before + 2);

      const res = await meta(metaStatus(sid, 'delivered'));
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ provider: 'meta', accepted: 1 });
      expect((await delivery(a, id)).status).toBe('delivered');
      expect((await meta(metaStatus(sid, 'read'))).body.data).toMatchObject({ duplicate: 1 });
      expect((await eventTypes(a, id)).filter((t) => t === 'delivered')).toHaveLength(1);
    });

    it('a failure 131026 (not on WhatsApp) bounces and suppresses; other failures only fail', async () => {
      const bounced = await sent(a, 'whatsapp', { phone: '+14155220002' });
      const failed = await sent(a, 'whatsapp', { phone: '+14155220003' });
      await meta(
        metaStatus(bounced.sid, 'failed', [
          { code: 131026, title: 'Message undeliverable', error_data: { details: 'not a WhatsApp user' } },
        ]),
      );
      await meta(metaStatus(failed.sid, 'failed', [{ code: 131047, title: 'Re-engagement message' }]));
      const d = await delivery(a, bounced.id);
      expect(d.status).toBe('bounced');
      expect(d.statusReason).toContain('131026');
      expect((await delivery(a, failed.id)).status).toBe('failed');
      const list = (await suppressions(a, 'whatsapp')).map((x) => x.address);
      expect(list).toContain('+14155220002');
      expect(list).not.toContain('+14155220003');
    });
  });

  describe('generic (Standard Webhooks)', () => {
    it('a signed receipt applies; a bad signature or a replay with an old timestamp is 401 and changes nothing', async () => {
      const { id, sid } = await sent(a, 'sms', { phone: '+14155230001' });
      const before = await receiptsMetric('generic', 'bad_signature');
      const body = { type: 'delivered', providerMessageId: sid };
      expect((await generic(body, { secret: `whsec_${randomBytes(32).toString('base64')}` })).status).toBe(401);
      // A correctly signed receipt from 10 minutes ago: outside the 5-minute window, a replay.
      expect((await generic(body, { at: new Date(Date.now() - 10 * 60_000) })).status).toBe(401);
      const noHeaders = await env.http.post('/notify/v1/webhooks/generic', body);
      expect(noHeaders.status).toBe(401);
      expect((await delivery(a, id)).status).toBe('sent');
      expect(await receiptsMetric('generic', 'bad_signature')).toBe(before + 3);

      const res = await generic(body);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ provider: 'generic', accepted: 1 });
      expect((await delivery(a, id)).status).toBe('delivered');
    });

    it('names the message by delivery id; a complaint records it once and suppresses the address', async () => {
      const { id } = await sent(a, 'sms', { phone: '+14155230002' });
      const res = await generic({ type: 'complained', deliveryId: id, reason: 'spam report' });
      expect(res.body.data).toMatchObject({ accepted: 1 });
      expect((await generic({ type: 'complained', deliveryId: id, reason: 'spam report' })).body.data).toMatchObject({ duplicate: 1 });
      expect((await eventTypes(a, id)).filter((t) => t === 'complained')).toHaveLength(1);
      expect((await suppressions(a, 'sms')).find((x) => x.address === '+14155230002')?.reason).toContain('spam report');
    });

    it('validates the body once the signature holds (400 with the fields), and needs a message reference', async () => {
      const bad = await generic({ type: 'exploded', providerMessageId: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect((await generic({ type: 'delivered' })).status).toBe(400);
      expect((await generic({ type: 'delivered', providerMessageId: 'x', extra: 1 })).status).toBe(400);
      expect((await generic({ type: 'delivered', deliveryId: randomUUID() })).body.data).toMatchObject({ unknownMessage: 1 });
    });
  });
});

describe('provider webhooks: rate limit', () => {
  let env: NotifyTestEnv;
  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      RATE_LIMIT_WEBHOOKS_IP: '3/1m',
      RATE_LIMIT_IP: '1000/1m',
      TWILIO_ACCOUNT_SID: PLATFORM_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('limits webhooks per client IP with their own budget (429 with Retry-After), leaving other public routes alone', async () => {
    const post = () => env.http.request('POST', TWILIO_PATH, { raw: 'MessageSid=SM1&MessageStatus=delivered', headers: FORM });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(401);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await env.http.get('/notify/v1/push-subscriptions/vapid-public-key')).status).not.toBe(429);
  });
});

describe("provider webhooks: a tenant's own account", () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;
  const tenantToken = `tenant-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    // Stands in for the tenant provider accounts (PUT /providers/:provider) behind the same port: tenant a has its own Twilio account.
    const accounts: ReceiptAccounts = {
      twilioAuthTokens: (tenantIds) =>
        Promise.resolve([
          ...tenantIds.filter((t) => t === a.tenantId).map((tenantId) => ({ secret: tenantToken, tenantId })),
          { secret: TWILIO_TOKEN, tenantId: null },
        ]),
      metaAppSecrets: () => Promise.resolve([]),
    };
    env = await NotifyTestEnv.start(
      { WORKERS_ENABLED: 'true', NOTIFY_PUBLIC_URL: PUBLIC_URL, TWILIO_ACCOUNT_SID: PLATFORM_SID, TWILIO_AUTH_TOKEN: TWILIO_TOKEN },
      (m) => m.overrideProvider(RECEIPT_ACCOUNTS).useValue(accounts),
    );
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  async function sentSms(t: TestTenant, phone: string) {
    const id = (await env.http.post('/notify/v1/deliveries', { channel: 'sms', to: { phone }, body: 'x' }, { token: t.organizer })).body
      .data.id as string;
    return env.eventually(async () => {
      const d = (await env.http.get(`/notify/v1/deliveries/${id}`, { token: t.admin })).body.data;
      return d.status === 'sent' && { id, sid: d.providerMessageId as string };
    });
  }
  const post = (token: string, params: Record<string, string>) =>
    env.http.request('POST', TWILIO_PATH, {
      raw: new URLSearchParams(params).toString(),
      headers: { ...FORM, 'x-twilio-signature': twilioSign(token, PUBLIC_URL + TWILIO_PATH, params) },
    });

  it("verifies with the tenant's auth token, which vouches for that tenant's messages only", async () => {
    const mine = await sentSms(a, '+14155240001');
    const theirs = await sentSms(b, '+14155240002');
    expect((await post(tenantToken, { MessageSid: theirs.sid, MessageStatus: 'delivered' })).status).toBe(401);
    expect((await env.http.get(`/notify/v1/deliveries/${theirs.id}`, { token: b.admin })).body.data.status).toBe('sent');
    expect((await post(tenantToken, { MessageSid: mine.sid, MessageStatus: 'delivered' })).status).toBe(200);
    expect((await env.http.get(`/notify/v1/deliveries/${mine.id}`, { token: a.admin })).body.data.status).toBe('delivered');
    // The platform's token still verifies the other tenant's receipts.
    expect((await post(TWILIO_TOKEN, { MessageSid: theirs.sid, MessageStatus: 'delivered' })).status).toBe(200);
  });
});
