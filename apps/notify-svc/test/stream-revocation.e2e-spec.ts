import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { SseClient, type HttpClient } from '#testing';
import { addMember, login, signup, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from '../../gateway/test/support/platform-stack.js';

/** notify-svc polls auth-svc's revocation feed this often here (AUTH_REVOCATION_POLL, whole seconds). */
const POLL_MS = 1_000;
/**
 * How soon after auth-svc answered the revocation a stream must have ended: one poll interval (the
 * bound new requests are refused within), plus room for the feed request itself and a loaded
 * two-core machine. Without the fix the streams run until the token's `exp` (15 minutes).
 */
const BOUND_MS = POLL_MS + 2_000;
/** notify-svc caches an introspection answer this long here (INTROSPECTION_CACHE_TTL); open streams ask again every second. */
const INTROSPECTION_TTL_MS = 1_000;
/** API keys and personal tokens: the cached answer expires, then the next recheck ends the stream (plus room for a loaded machine). */
const OPAQUE_BOUND_MS = INTROSPECTION_TTL_MS + 1_000 + 2_000;

const INBOX = '/notify/v1/notifications/stream';
const TOPICS = '/notify/v1/topics';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Milliseconds from `since` until `ended` settles; rejects past the bound. */
async function endsWithin(ended: Promise<unknown>, since: number, what: string, boundMs = BOUND_MS): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still open ${boundMs} ms after the revocation`)), boundMs);
  });
  try {
    await Promise.race([ended, late]);
    return Date.now() - since;
  } finally {
    clearTimeout(timer);
  }
}

/** The stream's last event is `revoked` (topic events carry the topic's JSON shape, the inbox `{reason}`). */
function expectRevokedLast(c: SseClient): void {
  const last = c.events.at(-1);
  expect(last?.event).toBe('revoked');
  const data = JSON.parse(last!.data) as Record<string, unknown>;
  expect(data.reason ?? data.event).toBe('revoked');
}

/**
 * Open streams end when the credential that opened them stops working: POST /auth/v1/revoke of the
 * access token, or the user's deactivation by an admin. The in-app inbox stream, topic
 * subscriptions (SSE; WebSocket directly, as the gateway does not proxy upgrades) and a campaign's
 * stats stream each get a last
 * `revoked` event and end within one revocation-feed poll; other users' streams go on. Directly
 * against notify-svc, and through the gateway.
 */
describe('open streams end when their credential is revoked', () => {
  let stack: PlatformStack;
  let owner: SignedUp;
  /** A draft campaign, for its stats stream. */
  let campaignId: string;
  const opened: Array<SseClient | WebSocket> = [];
  const measured: string[] = [];

  beforeAll(async () => {
    stack = await startPlatformStack({
      notifyEnv: { AUTH_REVOCATION_POLL: `${POLL_MS / 1000}s`, INTROSPECTION_CACHE_TTL: `${INTROSPECTION_TTL_MS / 1000}s` },
    });
    owner = await signup(stack.direct.auth);
    const template = await stack.direct.notify.post(
      '/notify/v1/templates',
      { key: 'promo', name: 'Promo', channels: { email: { subject: 'Hello', text: 'Hi' } } },
      { token: owner.accessToken },
    );
    expect(template.status).toBe(201);
    const campaign = await stack.direct.notify.post(
      '/notify/v1/campaigns',
      { name: 'spring', channel: 'email', templateId: template.body.data.id, audience: { filter: { attributes: { cohort: 'none' } } } },
      { token: owner.accessToken },
    );
    expect(campaign.status).toBe(201);
    campaignId = campaign.body.data.id;
  }, 120_000);
  afterAll(async () => {
    for (const c of opened) {
      if (c instanceof WebSocket) c.terminate();
      else await c.close();
    }
    await stack?.close();
    if (measured.length) process.stdout.write(`stream revocation timings (poll ${POLL_MS} ms):\n  ${measured.join('\n  ')}\n`);
  });

  const sse = async (baseUrl: string, path: string, token: string) => {
    const c = await SseClient.open(`${baseUrl}${path}`, bearer(token));
    opened.push(c);
    expect(c.status).toBe(200);
    return c;
  };
  const inbox = async (baseUrl: string, token: string) => {
    const c = await sse(baseUrl, INBOX, token);
    await c.until((es) => es.some((e) => e.event === 'unread_count'));
    return c;
  };
  const topicStream = async (baseUrl: string, name: string, token: string) => {
    const c = await sse(baseUrl, `${TOPICS}/${name}/sse`, token);
    await c.until((es) => es.some((e) => e.event === 'open'));
    return c;
  };
  const createTopic = async (name: string) => {
    const res = await stack.direct.notify.post(TOPICS, { name, visibility: 'private' }, { token: owner.accessToken });
    expect(res.status).toBe(201);
  };
  /** A stream that must stay open: not ended within a while after the others did. */
  const stillOpen = async (c: SseClient) => {
    const ended = await Promise.race([c.ended.then(() => true), sleep(300).then(() => false)]);
    expect(ended).toBe(false);
  };

  for (const via of ['directly', 'through the gateway'] as const) {
    const entry = () =>
      via === 'directly'
        ? { auth: stack.direct.auth, notify: stack.direct.notify, url: stack.notify.baseUrl }
        : { auth: stack.viaGateway as HttpClient, notify: stack.viaGateway as HttpClient, url: stack.gatewayUrl };
    const suffix = via === 'directly' ? 'direct' : 'gw';

    it(`${via}: POST /auth/v1/revoke of the access token ends its inbox, topic and campaign-stats streams within one poll`, async () => {
      const { auth, notify, url } = entry();
      const session = await login(stack.direct.auth, owner.email, owner.password);
      expect(session.status).toBe(200);
      const doomed = session.body.data.accessToken as string;
      const topic = `revoke-${suffix}`;
      await createTopic(topic);

      const inboxStream = await inbox(url, doomed);
      const topicSse = await topicStream(url, topic, doomed);
      const statsStream = await sse(url, `/notify/v1/campaigns/${campaignId}/stats/stream`, doomed);
      await statsStream.until((es) => es.some((e) => e.event === 'stats'));
      let ws: WebSocket | undefined;
      const wsFrames: Array<Record<string, unknown>> = [];
      if (via === 'directly') {
        ws = new WebSocket(`${url.replace('http', 'ws')}${TOPICS}/${topic}/ws`, { headers: bearer(doomed) });
        opened.push(ws);
        ws.on('message', (d) => wsFrames.push(JSON.parse(String(d)) as Record<string, unknown>));
        await new Promise((resolve, reject) => (ws!.once('open', resolve), ws!.once('error', reject)));
      }
      const wsClosed = ws ? new Promise((resolve) => ws!.once('close', resolve)) : Promise.resolve();
      // The same user's other session, whose token is not revoked.
      const control = await inbox(url, owner.accessToken);

      const revoked = await auth.post('/auth/v1/revoke', { token: doomed }, { token: owner.accessToken });
      expect(revoked.status).toBe(200);
      const t0 = Date.now();
      const [inboxMs, topicMs, statsMs, wsMs] = await Promise.all([
        endsWithin(inboxStream.ended, t0, 'inbox stream'),
        endsWithin(topicSse.ended, t0, 'topic SSE stream'),
        endsWithin(statsStream.ended, t0, 'campaign stats stream'),
        endsWithin(wsClosed, t0, 'topic WebSocket'),
      ]);
      measured.push(
        `revoke ${via}: inbox ${inboxMs} ms, topic sse ${topicMs} ms, campaign stats ${statsMs} ms${ws ? `, ws ${wsMs} ms` : ''}`,
      );
      for (const c of [inboxStream, topicSse, statsStream]) expectRevokedLast(c);
      if (ws) expect(wsFrames.at(-1)).toMatchObject({ event: 'revoked', topic });

      // New requests and a reconnect are refused too; the other session's stream goes on.
      expect((await notify.get('/notify/v1/me', { token: doomed })).status).toBe(401);
      const again = await SseClient.open(`${url}${INBOX}`, bearer(doomed));
      opened.push(again);
      expect(again.status).toBe(401);
      await stillOpen(control);
      await control.close();
    }, 30_000);

    it(`${via}: deactivating the user ends the streams of its access token and personal token within one poll`, async () => {
      const { auth, url } = entry();
      const member = await addMember(stack.direct.auth, owner.accessToken, ['user']);
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = await stack.direct.auth.post('/auth/v1/tokens', { name: 'cli', expiresAt }, { token: member.accessToken });
      expect(created.status).toBe(201);
      const pat = created.body.data.token as string;
      const topic = `deactivate-${suffix}`;
      await createTopic(topic);

      const inboxStream = await inbox(url, member.accessToken);
      const topicSse = await topicStream(url, topic, member.accessToken);
      const patStream = await topicStream(url, topic, pat);
      const control = await topicStream(url, topic, owner.accessToken);

      const res = await auth.patch(`/auth/v1/users/${member.id}`, { isActive: false }, { token: owner.accessToken });
      expect(res.status).toBe(200);
      const t0 = Date.now();
      const [inboxMs, topicMs, patMs] = await Promise.all([
        endsWithin(inboxStream.ended, t0, 'inbox stream'),
        endsWithin(topicSse.ended, t0, 'topic SSE stream'),
        endsWithin(patStream.ended, t0, 'personal-token topic stream'),
      ]);
      measured.push(`deactivate ${via}: inbox ${inboxMs} ms, topic sse ${topicMs} ms, personal token ${patMs} ms`);
      for (const c of [inboxStream, topicSse, patStream]) expectRevokedLast(c);
      await stillOpen(control);
      await control.close();
    }, 30_000);

    it(`${via}: revoking a personal token or an API key ends the streams it opened once its cached answer expires`, async () => {
      const { auth, url } = entry();
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const created = await stack.direct.auth.post('/auth/v1/tokens', { name: `cli-${suffix}`, expiresAt }, { token: owner.accessToken });
      expect(created.status).toBe(201);
      const pat = created.body.data.token as string;
      const key = await stack.direct.auth.post(
        '/auth/v1/api-keys',
        { name: `stats-${suffix}`, scopes: ['notifications:read'] },
        { token: owner.accessToken },
      );
      expect(key.status).toBe(201);
      const topic = `opaque-${suffix}`;
      await createTopic(topic);

      const patInbox = await inbox(url, pat);
      const patTopic = await topicStream(url, topic, pat);
      const keyStats = await SseClient.open(`${url}/notify/v1/campaigns/${campaignId}/stats/stream`, { 'x-api-key': key.body.data.key });
      opened.push(keyStats);
      expect(keyStats.status).toBe(200);
      await keyStats.until((es) => es.some((e) => e.event === 'stats'));
      // The owner's access token and another personal token: not revoked, their streams go on.
      const control = await topicStream(url, topic, owner.accessToken);
      const other = await stack.direct.auth.post('/auth/v1/tokens', { name: `other-${suffix}`, expiresAt }, { token: owner.accessToken });
      const otherStream = await inbox(url, other.body.data.token as string);

      expect((await auth.delete(`/auth/v1/tokens/${created.body.data.id}`, { token: owner.accessToken })).status).toBeLessThan(300);
      expect((await auth.delete(`/auth/v1/api-keys/${key.body.data.id}`, { token: owner.accessToken })).status).toBeLessThan(300);
      const t0 = Date.now();
      const [inboxMs, topicMs, statsMs] = await Promise.all([
        endsWithin(patInbox.ended, t0, 'personal-token inbox stream', OPAQUE_BOUND_MS),
        endsWithin(patTopic.ended, t0, 'personal-token topic stream', OPAQUE_BOUND_MS),
        endsWithin(keyStats.ended, t0, 'API-key campaign stats stream', OPAQUE_BOUND_MS),
      ]);
      measured.push(`opaque ${via}: personal token inbox ${inboxMs} ms, topic ${topicMs} ms; API key stats ${statsMs} ms`);
      for (const c of [patInbox, patTopic, keyStats]) expectRevokedLast(c);
      await stillOpen(control);
      await stillOpen(otherStream);
      await control.close();
      await otherStream.close();
    }, 30_000);
  }
});
