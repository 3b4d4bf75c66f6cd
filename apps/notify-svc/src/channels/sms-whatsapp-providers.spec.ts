import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboundMessage, ProviderAccount } from './channel-provider.js';
import { guardedLookup } from './webhook/ssrf-guard.js';
import { MetaWhatsAppProvider } from './whatsapp/meta-whatsapp.provider.js';
import { TwilioProvider } from './twilio/twilio.provider.js';
import { outboundMessage } from '../../test/support/outbound-message.js';

/** A loopback stand-in that records the Authorization header and answers like either API. */
let server: http.Server;
let url: string;
const seen: Array<{ path: string; authorization?: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
      if ((req.url ?? '').includes('/Messages.json')) res.writeHead(201).end('{"sid":"SMtenant","status":"queued"}');
      else res.writeHead(200).end('{"messages":[{"id":"wamid.tenant"}]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const msg = (account?: ProviderAccount): OutboundMessage => outboundMessage(account ? { account } : {});

const guard = (allowPrivate: boolean) => ({ lookup: guardedLookup({ allowPrivate }), opts: { allowPrivate } });

function twilio(allowPrivate: boolean) {
  return new TwilioProvider({
    channel: 'sms',
    platform: { accountSid: 'ACplatform', authToken: 'platform-token', from: '+14155550123', baseUrl: url },
    apiUrl: url,
    accountOnly: false,
    statusCallback: 'https://n.example.com/notify/v1/webhooks/twilio',
    timeoutMs: 2000,
    tenantGuard: guard(allowPrivate),
  });
}

const tenantTwilio = (baseUrl?: string): ProviderAccount => ({
  owner: 'tenant',
  provider: 'twilio',
  credentials: { accountSid: 'ACtenant', authToken: 'tenant-token' },
  sender: { from: '+14155550199' },
  ...(baseUrl ? { baseUrl } : {}),
});

describe('sms/whatsapp providers with a tenant account', () => {
  it("Twilio sends with the tenant's credentials (on the platform's base URL when the tenant gives none)", async () => {
    seen.length = 0;
    const out = await twilio(false).send(msg(tenantTwilio()));
    expect(out).toMatchObject({ kind: 'sent', providerMessageId: 'SMtenant', detail: { account: 'tenant' } });
    expect(seen[0]!.path).toBe('/2010-04-01/Accounts/ACtenant/Messages.json');
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('ACtenant:tenant-token').toString('base64')}`);
  });

  it("a tenant's base URL on a private address is refused without a connection; allowed when private addresses are", async () => {
    seen.length = 0;
    const blocked = await twilio(false).send(msg(tenantTwilio(url)));
    expect(blocked).toMatchObject({ kind: 'permanent', code: 'SSRF_BLOCKED' });
    const byName = await twilio(false).send(msg(tenantTwilio(url.replace('127.0.0.1', 'localhost'))));
    expect(byName).toMatchObject({ kind: 'permanent', code: 'SSRF_BLOCKED' });
    expect(seen).toHaveLength(0);
    expect(await twilio(true).send(msg(tenantTwilio(url)))).toMatchObject({ kind: 'sent' });
  });

  it("an account for another provider is ignored: the platform's is used", async () => {
    seen.length = 0;
    const meta: ProviderAccount = { owner: 'tenant', provider: 'meta', credentials: { accessToken: 'x', phoneNumberId: '1' }, sender: {} };
    expect(await twilio(false).send(msg(meta))).toMatchObject({ kind: 'sent' });
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('ACplatform:platform-token').toString('base64')}`);
  });

  it("Meta sends with the tenant's token and phone number id; no account at all is a permanent NO_PROVIDER_ACCOUNT", async () => {
    seen.length = 0;
    const p = new MetaWhatsAppProvider({
      platform: null,
      apiUrl: 'https://graph.facebook.com',
      apiVersion: 'v21.0',
      timeoutMs: 2000,
      tenantGuard: guard(true),
    });
    expect(await p.send(msg())).toMatchObject({ kind: 'permanent', code: 'NO_PROVIDER_ACCOUNT' });
    const account: ProviderAccount = {
      owner: 'tenant',
      provider: 'meta',
      credentials: { accessToken: 'tenant-meta-token', phoneNumberId: '42' },
      sender: {},
      baseUrl: url,
    };
    expect(await p.send({ ...msg(account), channel: 'whatsapp' })).toMatchObject({ kind: 'sent', providerMessageId: 'wamid.tenant' });
    expect(seen[0]).toEqual({ path: '/v21.0/42/messages', authorization: 'Bearer tenant-meta-token' });
  });
});
