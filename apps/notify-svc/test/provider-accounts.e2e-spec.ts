import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, PinoNestLogger, SecretBox } from '#common';
import { startTestApp, type TestApp } from '#testing';
import { AppModule } from '../src/app.module.js';
import { ProviderAccounts } from '../src/provider-accounts/provider-accounts.js';
import type { NotifyConfig } from '../src/config/notify-config.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

interface Recorded {
  path: string;
  auth: string;
  form: URLSearchParams;
}

const KEY_A = randomBytes(32).toString('hex');
const KEY_B = randomBytes(32).toString('base64');
const PLATFORM_SID = `AC${randomBytes(16).toString('hex')}`;
const PLATFORM_TOKEN = `platform-token-${randomBytes(12).toString('hex')}`;
const TENANT_SID = `AC${randomBytes(16).toString('hex')}`;
const TENANT_TOKEN = `tenant-token-${randomBytes(12).toString('hex')}`;
const META_TOKEN = `EAAG-${randomBytes(20).toString('hex')}`;
const META_SECRET = `meta-app-secret-${randomBytes(8).toString('hex')}`;
/** A number for which the stand-in answers 401 with the presented token in its message (a provider that echoes). */
const ECHO_NUMBER = '+14155550199';
const basic = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;

/** A local server that speaks the Twilio Messages API for two accounts: the platform's and tenant A's. */
async function startTwilio() {
  const requests: Recorded[] = [];
  const accounts = new Map([
    [PLATFORM_SID, PLATFORM_TOKEN],
    [TENANT_SID, TENANT_TOKEN],
  ]);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const r = { path: req.url ?? '', auth: req.headers.authorization ?? '', form };
      requests.push(r);
      const reply = (status: number, body: object) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const sid = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(r.path)?.[1];
      const token = sid ? accounts.get(sid) : undefined;
      if (form.get('To') === ECHO_NUMBER) return reply(401, { code: 20003, message: `Authenticate: bad credentials ${TENANT_TOKEN}` });
      if (!sid || !token || r.auth !== basic(sid, token)) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      return reply(201, { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', account_sid: sid });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("provider accounts: a tenant's own Twilio / Meta credentials", () => {
  let env: NotifyTestEnv;
  let app: TestApp;
  let twilio: Awaited<ReturnType<typeof startTwilio>>;
  let a: TestTenant;
  let b: TestTenant;
  const bodies: string[] = [];
  const logLines: string[] = [];

  /** An app on the test database with these settings; its log lines (access log and Nest loggers) are captured. */
  async function open(overrides: Partial<NotifyConfig>): Promise<TestApp> {
    const dest = { write: (l: string) => void logLines.push(l) };
    const t = await startTestApp(AppModule.forRoot({ ...env.config, ...overrides }), { logLevel: 'debug', logDestination: dest });
    t.app.useLogger(new PinoNestLogger(createLogger('capture', 'debug', 'json', dest)));
    return t;
  }

  const call = async (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await app.http.request(method, path, { token, body, headers });
    bodies.push(res.text);
    return res;
  };

  const settled = (token: string, id: string) =>
    env.eventually(
      async () => {
        const d = await call('GET', `/notify/v1/deliveries/${id}`, token);
        return ['sent', 'failed'].includes(d.body.data.status) ? d.body.data : undefined;
      },
      15_000,
      `delivery ${id} settled`,
    );

  const sendSms = async (t: TestTenant, text: string) => {
    const res = await call('POST', '/notify/v1/deliveries', t.organizer, { channel: 'sms', to: { phone: '+14155552671' }, body: text });
    expect(res.status).toBe(202);
    return settled(t.organizer, res.body.data.id);
  };
  const seenBy = (text: string) => twilio.requests.filter((r) => r.form.get('Body') === text);

  const twilioBody = () => ({ accountSid: TENANT_SID, authToken: TENANT_TOKEN, from: '+14155550100', baseUrl: twilio.url });

  beforeAll(async () => {
    twilio = await startTwilio();
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'false',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      CREDENTIALS_ENCRYPTION_KEY: KEY_A,
      TWILIO_ACCOUNT_SID: PLATFORM_SID,
      TWILIO_AUTH_TOKEN: PLATFORM_TOKEN,
      TWILIO_FROM: '+14155550123',
      TWILIO_API_URL: twilio.url,
      NOTIFY_PUBLIC_URL: 'https://notify.example.com',
    });
    app = await open({ WORKERS_ENABLED: true });
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await app?.close();
    await env?.close();
    await twilio?.close();
  });

  describe('admin only', () => {
    it.each([
      ['GET', '/notify/v1/providers', undefined],
      ['GET', '/notify/v1/providers/twilio', undefined],
      ['PUT', '/notify/v1/providers/twilio', () => twilioBody()],
      ['PUT', '/notify/v1/providers/meta', () => ({ accessToken: META_TOKEN, phoneNumberId: '106540352242922' })],
      ['DELETE', '/notify/v1/providers/twilio', undefined],
      ['POST', '/notify/v1/providers/twilio/test', () => ({ to: '+14155552671' })],
    ])('%s %s is 403 for a user and an organizer', async (method, path, body) => {
      for (const token of [a.user, a.organizer]) {
        const res = await call(method, path, token, body?.());
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('FORBIDDEN');
      }
      expect(await env.systemQuery('SELECT 1 FROM provider_accounts WHERE tenant_id = $1', [a.tenantId])).toEqual([]);
    });
  });

  describe('validation', () => {
    it.each([
      ['a malformed accountSid', { accountSid: 'AC123', authToken: TENANT_TOKEN }, 'accountSid'],
      ['an upper-case accountSid', { accountSid: `AC${TENANT_SID.slice(2).toUpperCase()}`, authToken: TENANT_TOKEN }, 'accountSid'],
      ['no authToken', { accountSid: TENANT_SID }, 'authToken'],
      ['an unknown field', { accountSid: TENANT_SID, authToken: TENANT_TOKEN, region: 'ie1' }, 'region'],
      ['a sender that is no phone number', { accountSid: TENANT_SID, authToken: TENANT_TOKEN, from: 'call me' }, 'from'],
      ['a bad messagingServiceSid', { accountSid: TENANT_SID, authToken: TENANT_TOKEN, messagingServiceSid: 'XX1' }, 'messagingServiceSid'],
      ['a baseUrl that is no URL', { accountSid: TENANT_SID, authToken: TENANT_TOKEN, baseUrl: 'twilio' }, 'baseUrl'],
      ['a wrong type', { accountSid: TENANT_SID, authToken: 42 }, 'authToken'],
    ])('twilio with %s: 400 naming the field', async (_what, body, field) => {
      const res = await call('PUT', '/notify/v1/providers/twilio', a.admin, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('meta needs accessToken and a numeric phoneNumberId', async () => {
      const res = await call('PUT', '/notify/v1/providers/meta', a.admin, { phoneNumberId: 'abc' });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['accessToken', 'phoneNumberId']);
    });

    it('an unknown provider is 404 on every route', async () => {
      for (const [method, path, body] of [
        ['PUT', '/notify/v1/providers/sendgrid', { apiKey: 'x' }],
        ['GET', '/notify/v1/providers/sendgrid', undefined],
        ['DELETE', '/notify/v1/providers/sendgrid', undefined],
        ['POST', '/notify/v1/providers/sendgrid/test', { to: '+14155552671' }],
      ] as const) {
        const res = await call(method, path, a.admin, body);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    });

    it('the test route validates its number and channel', async () => {
      expect((await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: '4155552671' })).status).toBe(400);
      expect((await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: '+14155552671', channel: 'push' })).status).toBe(400);
      const wrong = await call('POST', '/notify/v1/providers/meta/test', a.admin, { to: '+14155552671', channel: 'sms' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details[0].field).toBe('channel');
    });

    it('a base URL on a metadata address, or plain http off loopback, is 400 naming baseUrl; nothing stored', async () => {
      for (const baseUrl of ['https://169.254.169.254', 'http://10.0.0.1:8080', 'https://[fd00:ec2::254]', 'ftp://127.0.0.1']) {
        const res = await call('PUT', '/notify/v1/providers/twilio', a.admin, { ...twilioBody(), baseUrl });
        expect(res.status).toBe(400);
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['baseUrl']);
      }
      expect(await env.systemQuery('SELECT 1 FROM provider_accounts WHERE tenant_id = $1', [a.tenantId])).toEqual([]);
    });

    it('with private addresses closed (production), private, link-local and loopback base URLs are 400 too', async () => {
      const strict = await open({ WEBHOOK_ALLOW_PRIVATE: false, WORKERS_ENABLED: false });
      try {
        for (const baseUrl of ['https://10.0.0.1', 'https://169.254.169.254', 'https://192.168.1.1', 'https://[::1]', twilio.url]) {
          const res = await strict.http.put('/notify/v1/providers/twilio', { ...twilioBody(), baseUrl }, { token: a.admin });
          bodies.push(res.text);
          expect(res.status).toBe(400);
          expect(res.body.error.details[0].field).toBe('baseUrl');
        }
      } finally {
        await strict.close();
      }
      expect(await env.systemQuery('SELECT 1 FROM provider_accounts WHERE tenant_id = $1', [a.tenantId])).toEqual([]);
    });
  });

  describe('set, read, use, remove', () => {
    let firstCreatedAt: string;

    it('PUT stores the account encrypted and answers only the last 4 characters of each secret', async () => {
      const res = await call('PUT', '/notify/v1/providers/twilio', a.admin, twilioBody());
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        provider: 'twilio',
        owner: 'tenant',
        credentials: { accountSid: { last4: TENANT_SID.slice(-4) }, authToken: { last4: TENANT_TOKEN.slice(-4) } },
        sender: { from: '+14155550100' },
        baseUrl: twilio.url,
        updatedBy: a.adminId,
      });
      firstCreatedAt = res.body.data.createdAt;
      const [row] = await env.systemQuery<{ secret_enc: string }>('SELECT secret_enc FROM provider_accounts WHERE tenant_id = $1', [
        a.tenantId,
      ]);
      expect(row!.secret_enc.startsWith('v1.')).toBe(true);
      expect(row!.secret_enc).not.toContain(TENANT_TOKEN);
      // Bound to tenant:provider: the blob does not open as another tenant's or provider's.
      const box = new SecretBox([KEY_A]);
      expect(JSON.parse(box.decrypt(row!.secret_enc, `${a.tenantId}:twilio`))).toEqual({ accountSid: TENANT_SID, authToken: TENANT_TOKEN });
      expect(() => box.decrypt(row!.secret_enc, `${b.tenantId}:twilio`)).toThrow();
      expect(() => box.decrypt(row!.secret_enc, `${a.tenantId}:meta`)).toThrow();
    });

    it('PUT again replaces the account and keeps its creation time', async () => {
      const res = await call('PUT', '/notify/v1/providers/twilio', a.admin, twilioBody());
      expect(res.status).toBe(200);
      expect(res.body.data.createdAt).toBe(firstCreatedAt);
      expect(new Date(res.body.data.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(firstCreatedAt).getTime());
      expect(await env.systemQuery('SELECT 1 FROM provider_accounts WHERE tenant_id = $1', [a.tenantId])).toHaveLength(1);
    });

    it('GET one and the list show the account; tenant B has none', async () => {
      const one = await call('GET', '/notify/v1/providers/twilio', a.admin);
      expect(one.status).toBe(200);
      expect(one.body.data.credentials.authToken).toEqual({ last4: TENANT_TOKEN.slice(-4) });
      const list = await call('GET', '/notify/v1/providers', a.admin);
      expect(list.body.data.map((x: { provider: string }) => x.provider)).toEqual(['twilio']);
      expect((await call('GET', '/notify/v1/providers', b.admin)).body.data).toEqual([]);
      expect((await call('GET', '/notify/v1/providers/twilio', b.admin)).status).toBe(404);
      expect((await call('GET', '/notify/v1/providers/meta', a.admin)).status).toBe(404);
    });

    it('ProviderAccounts.forTenants (for receipts) answers each tenant its own account only', async () => {
      const found = await app.app.get(ProviderAccounts).forTenants('twilio', [a.tenantId, b.tenantId, a.tenantId]);
      expect(found).toEqual([
        {
          tenantId: a.tenantId,
          account: {
            owner: 'tenant',
            provider: 'twilio',
            credentials: { accountSid: TENANT_SID, authToken: TENANT_TOKEN },
            sender: { from: '+14155550100' },
            baseUrl: twilio.url,
          },
        },
      ]);
    });

    it("tenant A's SMS goes with A's own account, tenant B's with the platform's; the event says which", async () => {
      const da = await sendSms(a, 'from tenant A');
      const db = await sendSms(b, 'from tenant B');
      expect(da.status).toBe('sent');
      expect(db.status).toBe('sent');
      const [ra] = seenBy('from tenant A');
      const [rb] = seenBy('from tenant B');
      expect(ra!.auth).toBe(basic(TENANT_SID, TENANT_TOKEN));
      expect(ra!.path).toBe(`/2010-04-01/Accounts/${TENANT_SID}/Messages.json`);
      expect(ra!.form.get('From')).toBe('+14155550100');
      expect(rb!.auth).toBe(basic(PLATFORM_SID, PLATFORM_TOKEN));
      expect(rb!.form.get('From')).toBe('+14155550123');
      const sentA = da.events.find((e: { type: string }) => e.type === 'sent');
      const sentB = db.events.find((e: { type: string }) => e.type === 'sent');
      expect(sentA.detail.account).toBe('tenant');
      expect(sentB.detail.account).toBe('platform');
      expect(da.events.find((e: { type: string }) => e.type === 'sending').detail.account).toBe('tenant');
    });

    it("POST /test sends one message with the tenant's account and reports the provider's answer", async () => {
      const before = twilio.requests.length;
      const res = await call(
        'POST',
        '/notify/v1/providers/twilio/test',
        a.admin,
        { to: '+14155552671' },
        { 'idempotency-key': randomUUID() },
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ ok: true, channel: 'sms', status: 'queued' });
      expect(res.body.data.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(twilio.requests.length).toBe(before + 1);
      expect(twilio.requests.at(-1)!.auth).toBe(basic(TENANT_SID, TENANT_TOKEN));
      expect(twilio.requests.at(-1)!.form.get('To')).toBe('+14155552671');
    });

    it('POST /test replays with the same Idempotency-Key: the provider is called once', async () => {
      const key = randomUUID();
      const first = await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: '+14155552672' }, { 'idempotency-key': key });
      const count = twilio.requests.length;
      const again = await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: '+14155552672' }, { 'idempotency-key': key });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.data).toEqual(first.body.data);
      expect(twilio.requests.length).toBe(count);
    });

    it('a provider error that echoes the credentials is reported without them', async () => {
      const res = await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: ECHO_NUMBER });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ ok: false, channel: 'sms', code: 'TWILIO_20003' });
      expect(res.body.data.error).toContain('[redacted]');
      expect(res.text).not.toContain(TENANT_TOKEN);
    });

    it('a meta account: PUT, GET (secrets as last 4); POST /test sends with it through the account-only Cloud API adapter and reports the answer', async () => {
      // A loopback port nobody listens on: the Meta adapter (registered for tenants' own accounts
      // though the platform has no Meta account) must call the tenant's base URL, and report the refusal.
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((r) => closed.close(() => r()));
      const put = await call('PUT', '/notify/v1/providers/meta', a.admin, {
        accessToken: META_TOKEN,
        phoneNumberId: '106540352242922',
        appSecret: META_SECRET,
        baseUrl: deadUrl,
      });
      expect(put.status).toBe(200);
      expect(put.body.data.credentials).toEqual({
        accessToken: { last4: META_TOKEN.slice(-4) },
        phoneNumberId: { last4: '2922' },
        appSecret: { last4: META_SECRET.slice(-4) },
      });
      const test = await call('POST', '/notify/v1/providers/meta/test', a.admin, { to: '+14155552671' });
      expect(test.status).toBe(200);
      expect(test.body.data).toMatchObject({ ok: false, channel: 'whatsapp' });
      expect(test.text).not.toContain(META_TOKEN);
      expect((await call('GET', '/notify/v1/providers', a.admin)).body.data.map((x: { provider: string }) => x.provider)).toEqual([
        'meta',
        'twilio',
      ]);
    });

    it('rotation: restarted with keys [B, A] the account still decrypts, is re-encrypted under B, then works with B alone', async () => {
      await app.close();
      app = await open({ WORKERS_ENABLED: true, CREDENTIALS_ENCRYPTION_KEY: [KEY_B, KEY_A] });
      const d1 = await sendSms(a, 'after rotation');
      expect(d1.status).toBe('sent');
      expect(seenBy('after rotation')[0]!.auth).toBe(basic(TENANT_SID, TENANT_TOKEN));
      const [row] = await env.systemQuery<{ secret_enc: string }>(
        "SELECT secret_enc FROM provider_accounts WHERE tenant_id = $1 AND provider = 'twilio'",
        [a.tenantId],
      );
      expect(new SecretBox([KEY_B]).isCurrent(row!.secret_enc)).toBe(true);
      await app.close();
      app = await open({ WORKERS_ENABLED: true, CREDENTIALS_ENCRYPTION_KEY: [KEY_B] });
      const d2 = await sendSms(a, 'key A retired');
      expect(d2.status).toBe('sent');
      expect(seenBy('key A retired')[0]!.auth).toBe(basic(TENANT_SID, TENANT_TOKEN));
    });

    it('at send time a stored base URL that now points at a private address is never connected to', async () => {
      // As if the account had been stored while private addresses were allowed, then the operator closed them.
      const strict = await open({ WEBHOOK_ALLOW_PRIVATE: false, WORKERS_ENABLED: false, CREDENTIALS_ENCRYPTION_KEY: [KEY_B] });
      try {
        const before = twilio.requests.length;
        const res = await strict.http.post('/notify/v1/providers/twilio/test', { to: '+14155552671' }, { token: a.admin });
        bodies.push(res.text);
        expect(res.status).toBe(200);
        expect(res.body.data).toMatchObject({ ok: false, code: 'SSRF_BLOCKED' });
        expect(twilio.requests.length).toBe(before);
      } finally {
        await strict.close();
      }
    });

    it("without a platform Twilio account, the tenant's own still sends its SMS; another tenant's go to the dev provider", async () => {
      const noPlatform = await open({
        WORKERS_ENABLED: true,
        CREDENTIALS_ENCRYPTION_KEY: [KEY_B],
        TWILIO_ACCOUNT_SID: undefined,
        TWILIO_AUTH_TOKEN: undefined,
        TWILIO_FROM: undefined,
      });
      const previous = app;
      await previous.close();
      app = noPlatform;
      try {
        const da = await sendSms(a, 'own account only');
        const db = await sendSms(b, 'no account at all');
        expect(da.status).toBe('sent');
        expect(da.provider).toBe('twilio');
        expect(seenBy('own account only')[0]!.auth).toBe(basic(TENANT_SID, TENANT_TOKEN));
        expect(db.status).toBe('sent');
        expect(db.provider).toBe('dev');
        expect(seenBy('no account at all')).toHaveLength(0);
      } finally {
        await app.close();
        app = await open({ WORKERS_ENABLED: true, CREDENTIALS_ENCRYPTION_KEY: [KEY_B] });
      }
    });

    it("DELETE removes it (204), then 404; the tenant's sends use the platform's account again", async () => {
      const del = await call('DELETE', '/notify/v1/providers/twilio', a.admin);
      expect(del.status).toBe(204);
      expect((await call('DELETE', '/notify/v1/providers/twilio', a.admin)).status).toBe(404);
      expect((await call('GET', '/notify/v1/providers/twilio', a.admin)).status).toBe(404);
      const d = await sendSms(a, 'back on the platform');
      expect(seenBy('back on the platform')[0]!.auth).toBe(basic(PLATFORM_SID, PLATFORM_TOKEN));
      expect(d.events.find((e: { type: string }) => e.type === 'sent').detail.account).toBe('platform');
      expect((await call('POST', '/notify/v1/providers/twilio/test', a.admin, { to: '+14155552671' })).status).toBe(404);
    });
  });

  it('no secret appears in any response body or log line', () => {
    expect(bodies.length).toBeGreaterThan(40);
    expect(logLines.length).toBeGreaterThan(20);
    // Both kinds of line are captured: the access log and the services' own (Nest) loggers.
    expect(logLines.some((l) => l.includes('/notify/v1/providers/twilio'))).toBe(true);
    expect(logLines.some((l) => l.includes('re-encrypted the twilio account'))).toBe(true);
    for (const secret of [TENANT_TOKEN, META_TOKEN, META_SECRET, PLATFORM_TOKEN, KEY_A, KEY_B]) {
      expect(bodies.filter((x) => x.includes(secret))).toEqual([]);
      expect(logLines.filter((x) => x.includes(secret))).toEqual([]);
    }
    // The Basic header value would carry them too.
    const header = basic(TENANT_SID, TENANT_TOKEN).slice(6);
    expect([...bodies, ...logLines].filter((x) => x.includes(header))).toEqual([]);
  });
});
