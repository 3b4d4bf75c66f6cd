import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createECDH, generateKeyPairSync, randomBytes, randomUUID, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

interface Recorded {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A loopback HTTP peer: records every request; `answer` decides each response. */
type Answer = { status: number; body?: string; headers?: Record<string, string> };
async function startPeer(answer: (r: Recorded) => Answer | Promise<Answer>) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(r);
      void Promise.resolve(answer(r)).then((a) =>
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? ''),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What a browser makes when it subscribes: an ECDH P-256 pair and a 16-byte auth secret. */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString('base64url'), authB64: auth.toString('base64url') };
}

const fcmToken = (label: string) => `${label}-${randomUUID()}:APA91b${randomBytes(40).toString('base64url')}`;

describe('push: Web Push (VAPID, aes128gcm) and FCM HTTP v1', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let b: TestTenant;
  let webPeer: Awaited<ReturnType<typeof startPeer>>;
  let tokenPeer: Awaited<ReturnType<typeof startPeer>>;
  let fcmPeer: Awaited<ReturnType<typeof startPeer>>;
  const vapid = webpush.generateVAPIDKeys();
  const serviceKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issued = new Set<string>();
  const goneTokens = new Set<string>();
  const assertionProblems: string[] = [];
  /** Browser keys by subscription path, so the stand-in can decrypt what it receives. */
  const browsers = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  const decrypted: Array<{ path: string; payload: Record<string, unknown>; vapidOk: boolean }> = [];

  beforeAll(async () => {
    webPeer = await startPeer(async (r) => {
      const k = browsers.get(r.path);
      if (!k) return { status: 410 }; // unknown (expired) subscription
      const vapidOk = await checkVapid(r);
      if (!vapidOk) return { status: 401 };
      const plain = ece.decrypt(r.body, { version: 'aes128gcm', privateKey: k.ecdh, authSecret: k.auth });
      decrypted.push({ path: r.path, payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>, vapidOk });
      return { status: 201, headers: { location: `${webPeer.url}/messages/${randomUUID()}` } };
    });
    tokenPeer = await startPeer(async (r) => {
      const form = new URLSearchParams(r.body.toString('utf8'));
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        return { status: 400, body: '{"error":"unsupported_grant_type"}' };
      }
      // The assertion must be signed by the service account's key, for this token endpoint, with FCM's scope.
      try {
        const { payload } = await jwtVerify(form.get('assertion') ?? '', serviceKeys.publicKey, {
          issuer: 'push@proj-1.iam.gserviceaccount.com',
          audience: `${tokenPeer.url}/token`,
          algorithms: ['RS256'],
        });
        if (payload.scope !== 'https://www.googleapis.com/auth/firebase.messaging') throw new Error('scope');
      } catch (err) {
        assertionProblems.push((err as Error).message);
        return { status: 400, body: '{"error":"invalid_grant"}' };
      }
      const token = `ya29.${randomBytes(24).toString('base64url')}`;
      issued.add(token);
      return { status: 200, body: JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'Bearer' }) };
    });
    fcmPeer = await startPeer((r) => {
      const bearer = (r.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!issued.has(bearer)) return { status: 401, body: '{"error":{"status":"UNAUTHENTICATED"}}' };
      if (r.path !== '/v1/projects/proj-1/messages:send') return { status: 404, body: '{}' };
      const token = (JSON.parse(r.body.toString('utf8')) as { message: { token: string } }).message.token;
      if (goneTokens.has(token)) {
        return {
          status: 404,
          body: JSON.stringify({
            error: { status: 'NOT_FOUND', message: 'Requested entity was not found.', details: [{ errorCode: 'UNREGISTERED' }] },
          }),
        };
      }
      return { status: 200, body: JSON.stringify({ name: `projects/proj-1/messages/${randomUUID()}` }) };
    });
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      WORKER_POLL_INTERVAL: '1',
      WEB_PUSH_VAPID_PUBLIC_KEY: vapid.publicKey,
      WEB_PUSH_VAPID_PRIVATE_KEY: vapid.privateKey,
      WEB_PUSH_SUBJECT: 'mailto:ops@example.com',
      WEB_PUSH_ALLOW_PRIVATE: 'true',
      FCM_SERVICE_ACCOUNT: JSON.stringify({
        type: 'service_account',
        project_id: 'proj-1',
        private_key_id: 'key-1',
        private_key: serviceKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        client_email: 'push@proj-1.iam.gserviceaccount.com',
        token_uri: `${tokenPeer.url}/token`,
      }),
      FCM_API_URL: fcmPeer.url,
    });
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await Promise.all([webPeer?.close(), tokenPeer?.close(), fcmPeer?.close()]);
  });

  async function checkVapid(r: Recorded): Promise<boolean> {
    const m = /^vapid t=([^,]+), k=(.+)$/.exec(r.headers.authorization ?? '');
    if (!m || m[2] !== vapid.publicKey) return false;
    const raw = Buffer.from(m[2], 'base64url');
    const key = await importJWK(
      { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') },
      'ES256',
    );
    const { payload } = await jwtVerify(m[1]!, key, { audience: webPeer.url, algorithms: ['ES256'] });
    return payload.sub === 'mailto:ops@example.com' && r.headers['content-encoding'] === 'aes128gcm';
  }

  async function subscribe(token: string, path: string, keys = browserKeys()) {
    browsers.set(path, { ecdh: keys.ecdh, auth: keys.auth });
    return env.http.post(
      '/notify/v1/push-subscriptions',
      { endpoint: `${webPeer.url}${path}`, keys: { p256dh: keys.p256dh, auth: keys.authB64 }, userAgent: 'jest' },
      { token },
    );
  }

  const count = async (table: string) => Number((await env.systemQuery<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  async function finalStatus(id: string) {
    return env.eventually(
      async () => {
        const d = await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
        return ['sent', 'failed'].includes(d.body.data.status) ? d.body.data : undefined;
      },
      15_000,
      `delivery ${id} settled`,
    );
  }

  it('the VAPID public key is readable without a credential', async () => {
    const res = await env.http.get('/notify/v1/push-subscriptions/vapid-public-key');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ publicKey: vapid.publicKey });
  });

  it("a push to a user reaches every subscription (decrypted with the browser's keys, VAPID-signed) and device (with an OAuth bearer)", async () => {
    const sub = await subscribe(a.user, '/push/a-browser');
    expect(sub.status).toBe(201);
    expect(JSON.stringify(sub.body.data)).not.toContain('a-browser');
    const token = fcmToken('a-phone');
    const dev = await env.http.post('/notify/v1/devices', { token, platform: 'android' }, { token: a.user });
    expect(dev.status).toBe(201);
    expect(dev.body.data.tokenLast4).toBe(token.slice(-4));
    const stored = await env.systemQuery<{ token_enc: string }>('SELECT token_enc FROM push_devices WHERE id = $1', [dev.body.data.id]);
    expect(stored[0]!.token_enc).not.toContain(token.slice(0, 20));

    const sent = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'push', to: { userId: a.userId }, subject: 'Order shipped', body: 'Your parcel is on its way', data: { orderId: 42 } },
      { token: a.admin },
    );
    expect(sent.status).toBe(202);
    const d = await finalStatus(sent.body.data.id);
    expect(d.status).toBe('sent');
    const got = await env.eventually(async () => decrypted.find((x) => x.path === '/push/a-browser'), 5000, 'decrypted web push');
    expect(got.vapidOk).toBe(true);
    expect(got.payload).toMatchObject({
      id: sent.body.data.id,
      title: 'Order shipped',
      body: 'Your parcel is on its way',
      data: { orderId: 42 },
    });
    const fcm = fcmPeer.requests.filter((r) => r.body.toString().includes(token));
    expect(fcm).toHaveLength(1);
    expect(JSON.parse(fcm[0]!.body.toString()).message).toMatchObject({
      token,
      notification: { title: 'Order shipped', body: 'Your parcel is on its way' },
      data: { deliveryId: sent.body.data.id, orderId: '42' },
    });
    expect(assertionProblems).toEqual([]);
    const events = await env.systemQuery<{ detail: { endpoints: Array<{ kind: string; outcome: string }> } }>(
      `SELECT detail FROM delivery_events WHERE delivery_id = $1 AND type = 'push_results'`,
      [sent.body.data.id],
    );
    expect(events[0]!.detail.endpoints.map((e) => `${e.kind}:${e.outcome}`).sort()).toEqual(['fcm:sent', 'web:sent']);

    // A second push reuses the cached access token: one token request so far.
    const again = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'push', to: { deviceToken: token }, subject: 'Again', body: 'b' },
      { token: a.admin },
    );
    expect((await finalStatus(again.body.data.id)).status).toBe('sent');
    expect(tokenPeer.requests).toHaveLength(1);
  });

  it('a subscription the push service reports gone (410) and a token FCM reports UNREGISTERED are removed', async () => {
    const goneUser = randomUUID();
    const userToken = a.token(['user'], { sub: goneUser });
    const sub = await subscribe(userToken, '/push/expired');
    expect(sub.status).toBe(201);
    browsers.delete('/push/expired'); // the push service forgot it: answers 410
    const token = fcmToken('uninstalled');
    goneTokens.add(token);
    expect((await env.http.post('/notify/v1/devices', { token }, { token: userToken })).status).toBe(201);

    const sent = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'push', to: { userId: goneUser }, subject: 's', body: 'b' },
      { token: a.admin },
    );
    const d = await finalStatus(sent.body.data.id);
    expect(d.status).toBe('failed');
    expect(d.statusReason).toMatch(/PUSH_TARGETS_GONE/);
    expect((await env.http.get('/notify/v1/push-subscriptions', { token: userToken })).body.data).toEqual([]);
    expect((await env.http.get('/notify/v1/devices', { token: userToken })).body.data).toEqual([]);
  });

  it('invalid subscriptions, device tokens and raw push tokens are 400 at accept, and nothing is written', async () => {
    const before = await Promise.all(['push_subscriptions', 'push_devices', 'deliveries'].map(count));
    const k = browserKeys();
    const offCurve = Buffer.from(k.ecdh.getPublicKey());
    offCurve[64] = offCurve[64]! ^ 1;
    const bad: object[] = [
      { endpoint: `${webPeer.url}/x`, keys: { p256dh: offCurve.toString('base64url'), auth: k.authB64 } },
      { endpoint: `${webPeer.url}/x`, keys: { p256dh: k.p256dh, auth: randomBytes(8).toString('base64url') } },
      { endpoint: `${webPeer.url}/x`, keys: { p256dh: 'not base64!', auth: k.authB64 } },
      { endpoint: 'http://169.254.169.254/latest', keys: { p256dh: k.p256dh, auth: k.authB64 } },
      { endpoint: 'ftp://push.example.com/x', keys: { p256dh: k.p256dh, auth: k.authB64 } },
      { endpoint: `${webPeer.url}/x`, keys: { p256dh: k.p256dh } },
      { endpoint: `${webPeer.url}/x`, keys: { p256dh: k.p256dh, auth: k.authB64 }, extra: 1 },
    ];
    for (const body of bad) {
      const res = await env.http.post('/notify/v1/push-subscriptions', body, { token: a.user });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    for (const token of [
      'short',
      'has spaces in it but is long enough to pass the length check',
      '{"json":"no"}xxxxxxxxxxxxxxxxxxxxxxxx',
    ]) {
      const dev = await env.http.post('/notify/v1/devices', { token }, { token: a.user });
      expect(dev.status).toBe(400);
      expect(dev.body.error.details[0].field).toBe('token');
      const send = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'push', to: { deviceToken: token }, subject: 's', body: 'b' },
        { token: a.admin },
      );
      expect(send.status).toBe(400);
      expect(send.body.error.details[0].field).toBe('to.deviceToken');
    }
    const none = await env.http.post('/notify/v1/deliveries', { channel: 'push', to: {}, subject: 's', body: 'b' }, { token: a.admin });
    expect(none.status).toBe(400);
    expect(await Promise.all(['push_subscriptions', 'push_devices', 'deliveries'].map(count))).toEqual(before);
  });

  it("a user neither sees nor deletes another user's subscriptions and devices, in the tenant or across tenants", async () => {
    const owner = a.token(['user'], { sub: randomUUID() });
    const sub = (await subscribe(owner, '/push/owned')).body.data.id as string;
    const dev = (await env.http.post('/notify/v1/devices', { token: fcmToken('owned') }, { token: owner })).body.data.id as string;
    const others = [a.user, a.admin, b.admin, b.token(['user', 'organizer', 'admin'], { sub: a.userId })];
    for (const token of others) {
      const subs = await env.http.get('/notify/v1/push-subscriptions', { token });
      expect(subs.body.data.map((s: { id: string }) => s.id)).not.toContain(sub);
      const devs = await env.http.get('/notify/v1/devices', { token });
      expect(devs.body.data.map((d: { id: string }) => d.id)).not.toContain(dev);
      expect((await env.http.request('DELETE', `/notify/v1/push-subscriptions/${sub}`, { token })).status).toBe(404);
      expect((await env.http.request('DELETE', `/notify/v1/devices/${dev}`, { token })).status).toBe(404);
    }
    expect((await env.http.get('/notify/v1/push-subscriptions', { token: owner })).body.data.map((s: { id: string }) => s.id)).toEqual([
      sub,
    ]);
    expect((await env.http.request('DELETE', `/notify/v1/devices/${dev}`, { token: owner })).body.data).toEqual({ deleted: true });
    expect((await env.http.get('/notify/v1/devices', { token: owner })).body.data).toEqual([]);
    // An API key has no user: it cannot own devices.
    const key = a.apiKey(['notifications:send']);
    expect((await env.http.request('GET', '/notify/v1/devices', { headers: { 'x-api-key': key } })).status).toBe(403);
  });
});
