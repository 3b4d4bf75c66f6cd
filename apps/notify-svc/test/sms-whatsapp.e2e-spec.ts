import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A loopback HTTP peer: records every request; `answer` decides each response. */
async function startPeer(answer: (r: Recorded) => Answer) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const a = answer(r);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const SID = `AC${randomBytes(16).toString('hex')}`;
const TOKEN = `tw-secret-${randomBytes(12).toString('hex')}`;
const FROM = '+14155550123';
const WA_FROM = '+14155238886';
const META_TOKEN = `EAAG-${randomBytes(16).toString('hex')}`;
const PHONE_ID = '106540352242922';
const PUBLIC_URL = 'https://notify.example.com';

/** Speaks the Twilio Messages API: basic auth, form fields; the Body decides the answer. */
function twilioAnswer(r: Recorded, flaky: Map<string, number>): Answer {
  if (r.method !== 'POST' || r.path !== `/2010-04-01/Accounts/${SID}/Messages.json`) {
    return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
  }
  if (r.headers.authorization !== `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`) {
    return { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };
  }
  if (r.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 415, body: { code: 0, message: 'form' } };
  const f = new URLSearchParams(r.body);
  const to = f.get('To') ?? '';
  const body = f.get('Body') ?? '';
  if (!/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(to) || !f.get('From') || !f.get('StatusCallback')) {
    return { status: 400, body: { code: 21604, message: 'A field is missing', status: 400 } };
  }
  if (body === 'twilio says no') {
    return { status: 400, body: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 } };
  }
  if (body.startsWith('flaky')) {
    const seen = (flaky.get(body) ?? 0) + 1;
    flaky.set(body, seen);
    if (seen === 1)
      return body === 'flaky 429'
        ? { status: 429, headers: { 'retry-after': '1' }, body: { code: 20429, message: 'Too Many Requests' } }
        : { status: 503, body: { code: 20500, message: 'Internal Server Error' } };
  }
  return { status: 201, body: { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to, from: f.get('From'), body } };
}

/** Speaks the WhatsApp Cloud API: bearer token, JSON text message. */
function metaAnswer(r: Recorded): Answer {
  if (r.method !== 'POST' || r.path !== `/v21.0/${PHONE_ID}/messages`)
    return { status: 404, body: { error: { code: 803, message: 'unknown path' } } };
  if (r.headers.authorization !== `Bearer ${META_TOKEN}`) {
    return { status: 401, body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } } };
  }
  const m = JSON.parse(r.body) as { messaging_product: string; to: string; type: string; text: { body: string } };
  if (m.messaging_product !== 'whatsapp' || m.type !== 'text' || !/^\d{7,15}$/.test(m.to)) {
    return { status: 400, body: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100 } } };
  }
  if (m.text.body === 'meta says no') {
    return { status: 400, body: { error: { message: '(#131026) Message Undeliverable', type: 'OAuthException', code: 131026 } } };
  }
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: m.to, wa_id: m.to }],
      messages: [{ id: `wamid.${randomBytes(12).toString('base64url')}` }],
    },
  };
}

describe('sms and whatsapp: Twilio Messages API and the WhatsApp Cloud API', () => {
  let twilio: Awaited<ReturnType<typeof startPeer>>;
  let meta: Awaited<ReturnType<typeof startPeer>>;
  let env: NotifyTestEnv; // Twilio for sms and whatsapp
  let metaEnv: NotifyTestEnv; // Meta's Cloud API for whatsapp
  let a: TestTenant;
  let m: TestTenant;
  const flaky = new Map<string, number>();
  const bodies: string[] = [];

  beforeAll(async () => {
    twilio = await startPeer((r) => twilioAnswer(r, flaky));
    meta = await startPeer(metaAnswer);
    const workers = { WORKERS_ENABLED: 'true', WORKER_POLL_INTERVAL: '1', DELIVERY_RETRY_BASE_MS: '50' };
    env = await NotifyTestEnv.start({
      ...workers,
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_WHATSAPP_FROM: `whatsapp:${WA_FROM}`,
      TWILIO_API_URL: twilio.url,
      NOTIFY_PUBLIC_URL: PUBLIC_URL,
    });
    metaEnv = await NotifyTestEnv.start({
      ...workers,
      WHATSAPP_CLOUD_API_URL: meta.url,
      WHATSAPP_CLOUD_ACCESS_TOKEN: META_TOKEN,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_ID,
    });
    a = env.tenant();
    m = metaEnv.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await metaEnv?.close();
    await Promise.all([twilio?.close(), meta?.close()]);
    // Whatever the service answered, the provider secrets were never in it.
    for (const b of bodies) {
      expect(b).not.toContain(TOKEN);
      expect(b).not.toContain(META_TOKEN);
    }
  });

  async function send(e: NotifyTestEnv, token: string, body: object) {
    const res = await e.http.post('/notify/v1/deliveries', body, { token });
    bodies.push(JSON.stringify(res.body));
    return res;
  }

  async function settled(e: NotifyTestEnv, token: string, id: string, statuses = ['sent', 'failed']) {
    return e.eventually(
      async () => {
        const d = await e.http.get(`/notify/v1/deliveries/${id}`, { token });
        bodies.push(JSON.stringify(d.body));
        return statuses.includes(d.body.data.status) ? d.body.data : undefined;
      },
      15_000,
      `delivery ${id} settled`,
    );
  }

  const twilioForm = (text: string) => {
    const r = twilio.requests.filter((x) => new URLSearchParams(x.body).get('Body') === text);
    return r.map((x) => new URLSearchParams(x.body));
  };

  it('an SMS goes through Twilio: E.164 To and From, StatusCallback to the public URL, sid as the provider id', async () => {
    const res = await send(env, a.admin, { channel: 'sms', to: { phone: '+1 (415) 555-2671' }, body: 'Your code is 123456' });
    expect(res.status).toBe(202);
    expect(res.body.data.to.phone).toBe('+14155552671');
    const d = await settled(env, a.admin, res.body.data.id);
    expect(d.status).toBe('sent');
    expect(d.provider).toBe('twilio');
    const [form] = twilioForm('Your code is 123456');
    expect(Object.fromEntries(form!)).toEqual({
      To: '+14155552671',
      From: FROM,
      Body: 'Your code is 123456',
      StatusCallback: `${PUBLIC_URL}/notify/v1/webhooks/twilio`,
    });
    expect(d.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(d.sms).toEqual({ encoding: 'GSM-7', characters: 19, segments: 1 });
    const sent = d.events.find((e: { type: string }) => e.type === 'sent');
    expect(sent.detail).toMatchObject({ provider: 'twilio', providerMessageId: d.providerMessageId, encoding: 'GSM-7', segments: 1 });
  });

  it('a WhatsApp message through Twilio uses whatsapp: addresses', async () => {
    const res = await send(env, a.admin, { channel: 'whatsapp', to: { phone: '+447911123456' }, body: 'Hi on WhatsApp' });
    expect(res.status).toBe(202);
    const d = await settled(env, a.admin, res.body.data.id);
    expect(d.status).toBe('sent');
    expect(d.provider).toBe('twilio');
    const [form] = twilioForm('Hi on WhatsApp');
    expect(form!.get('To')).toBe('whatsapp:+447911123456');
    expect(form!.get('From')).toBe(`whatsapp:${WA_FROM}`);
    expect(d.sms).toBeUndefined(); // segments are an SMS matter
  });

  it('a WhatsApp message through the Cloud API: bearer token, the number without +, the wamid as the provider id', async () => {
    const res = await send(metaEnv, m.admin, { channel: 'whatsapp', to: { phone: '+447911123456' }, body: 'Hi from Meta' });
    expect(res.status).toBe(202);
    const d = await settled(metaEnv, m.admin, res.body.data.id);
    expect(d.status).toBe('sent');
    expect(d.provider).toBe('meta');
    expect(d.providerMessageId).toMatch(/^wamid\./);
    const req = meta.requests.find((r) => r.body.includes('Hi from Meta'))!;
    expect(req.headers.authorization).toBe(`Bearer ${META_TOKEN}`);
    expect(JSON.parse(req.body)).toMatchObject({
      messaging_product: 'whatsapp',
      to: '447911123456',
      type: 'text',
      text: { body: 'Hi from Meta' },
    });
  });

  it('a Cloud API refusal of the message is a permanent failure with Meta’s code', async () => {
    const res = await send(metaEnv, m.admin, { channel: 'whatsapp', to: { phone: '+447911123456' }, body: 'meta says no' });
    const d = await settled(metaEnv, m.admin, res.body.data.id);
    expect(d.status).toBe('failed');
    expect(d.attempts).toBe(1);
    expect(d.statusReason).toMatch(/^META_131026: .*Message Undeliverable/);
  });

  it('a 5xx from Twilio is temporary: retried later, then sent', async () => {
    const res = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155552671' }, body: 'flaky 503' });
    const d = await settled(env, a.admin, res.body.data.id, ['sent']);
    expect(d.attempts).toBe(2);
    expect(d.providerAttempts.map((x: { outcome: string; errorCode: string | null }) => `${x.outcome}:${x.errorCode}`)).toEqual([
      'temporary:TWILIO_20500',
      'sent:null',
    ]);
    expect(d.events.map((e: { type: string }) => e.type)).toContain('retry_scheduled');
    expect(twilioForm('flaky 503')).toHaveLength(2);
  });

  it('a 429 with Retry-After waits at least that long before the next attempt', async () => {
    const res = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155552671' }, body: 'flaky 429' });
    const d = await settled(env, a.admin, res.body.data.id, ['sent']);
    const retry = d.events.find((e: { type: string }) => e.type === 'retry_scheduled');
    expect(retry.detail.code).toBe('TWILIO_20429');
    expect(new Date(retry.detail.retryAt).getTime() - new Date(retry.at).getTime()).toBeGreaterThanOrEqual(950);
  });

  it("a 400 from Twilio is a permanent failure carrying Twilio's code and message", async () => {
    const res = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155552671' }, body: 'twilio says no' });
    const d = await settled(env, a.admin, res.body.data.id);
    expect(d.status).toBe('failed');
    expect(d.attempts).toBe(1);
    expect(d.statusReason).toBe("TWILIO_21211: Twilio answered 400: The 'To' number +14155552671 is not a valid phone number.");
    expect(d.providerAttempts[0]).toMatchObject({ outcome: 'permanent', errorCode: 'TWILIO_21211' });
  });

  it('segments are recorded: 161 GSM-7 characters are 2 segments, an emoji makes it UCS-2', async () => {
    const long = 'x'.repeat(161);
    const one = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155552671' }, body: long });
    expect(one.body.data.sms).toEqual({ encoding: 'GSM-7', characters: 161, segments: 2 });
    const emoji = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155552671' }, body: 'Parcel delivered 📦' });
    expect(emoji.body.data.sms).toEqual({ encoding: 'UCS-2', characters: 18, segments: 1 });
    const d = await settled(env, a.admin, emoji.body.data.id);
    expect(d.events.find((e: { type: string }) => e.type === 'sent').detail).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    const rows = await env.systemQuery<{ sms_encoding: string; sms_segments: number }>(
      'SELECT sms_encoding, sms_segments FROM deliveries WHERE id = ANY($1) ORDER BY sms_segments DESC',
      [[one.body.data.id, emoji.body.data.id]],
    );
    expect(rows).toEqual([
      { sms_encoding: 'GSM-7', sms_segments: 2 },
      { sms_encoding: 'UCS-2', sms_segments: 1 },
    ]);
  });

  it('a text longer than the providers take (1,600 sms, 4,096 whatsapp characters) is 400 at accept, nothing written', async () => {
    const count = async () => Number((await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries'))[0]!.n);
    const before = await count();
    for (const [channel, limit] of [
      ['sms', 1600],
      ['whatsapp', 4096],
    ] as const) {
      const over = await send(env, a.admin, { channel, to: { phone: '+14155552671' }, body: 'é'.repeat(limit + 1) });
      expect(over.status).toBe(400);
      expect(over.body.error.details).toEqual([{ field: 'body', messages: [expect.stringContaining(`at most ${limit}`)] }]);
      const atLimit = await send(env, a.admin, { channel, to: { phone: '+14155552671' }, body: 'é'.repeat(limit) });
      expect(atLimit.status).toBe(202);
    }
    expect(await count()).toBe(before + 2);
  });

  it('invalid phone numbers are 400 at accept naming the field (the recipient index in a batch), and nothing is written', async () => {
    const count = async () => Number((await env.systemQuery<{ n: string }>('SELECT count(*) AS n FROM deliveries'))[0]!.n);
    const before = await count();
    const calls = twilio.requests.length;
    for (const phone of ['+1555', 'abc', '+4479111234567', '4155552671', '+999123456789']) {
      for (const channel of ['sms', 'whatsapp']) {
        const res = await send(env, a.admin, { channel, to: { phone }, body: 'x' });
        expect(res.status).toBe(400);
        expect(res.body.error.details).toEqual([{ field: 'to.phone', messages: [expect.stringMatching(/^phone /)] }]);
      }
    }
    const batch = await env.http.post(
      '/notify/v1/deliveries/batch',
      {
        channel: 'sms',
        body: 'x',
        recipients: [{ to: { phone: '+14155552671' } }, { to: { phone: '+1555' } }, { to: { phone: '+447911123456' } }],
      },
      { token: a.admin },
    );
    bodies.push(JSON.stringify(batch.body));
    expect(batch.status).toBe(400);
    expect(batch.body.error.details.map((x: { field: string }) => x.field)).toEqual(['recipients.1.to.phone']);
    expect(await count()).toBe(before);
    expect(twilio.requests.length).toBe(calls);
  });

  it('a suppressed number (written in any format) is stored in E.164 and matches the next send', async () => {
    const sup = await env.http.post(
      '/notify/v1/suppressions',
      { channel: 'sms', address: '+1 (415) 555-0177', reason: 'stop' },
      { token: a.admin },
    );
    expect(sup.status).toBe(201);
    expect(sup.body.data.address).toBe('+14155550177');
    const res = await send(env, a.admin, { channel: 'sms', to: { phone: '+14155550177' }, body: 'not to be sent' });
    expect(res.status).toBe(202);
    expect(res.body.data.status).toBe('suppressed');
    const bad = await env.http.post('/notify/v1/suppressions', { channel: 'sms', address: '+1555', reason: 'x' }, { token: a.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('address');
  });

  it('the auth token never reaches a response: delivery views, lists and the admin provider view', async () => {
    const list = await env.http.get('/notify/v1/deliveries?channel=sms', { token: a.admin });
    bodies.push(JSON.stringify(list.body));
    const admin = await env.http.get('/notify/v1/admin/providers', { token: a.admin });
    bodies.push(JSON.stringify(admin.body));
    expect(list.status).toBe(200);
    const joined = bodies.join('\n');
    expect(joined).toContain('SM'); // the answers were collected
    expect(joined).not.toContain(TOKEN);
    expect(joined).not.toContain(Buffer.from(`${SID}:${TOKEN}`).toString('base64'));
    expect(joined).not.toContain(META_TOKEN);
  });
});
