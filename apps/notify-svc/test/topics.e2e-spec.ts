import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { SseClient, startTestApp, type TestApp } from '#testing';
import { AppModule } from '../src/app.module.js';
import { TopicsRepository } from '../src/topics/topics.repository.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const run = promisify(execFile);
const TOPICS = '/notify/v1/topics';

/** Reads a newline-delimited JSON stream into `lines` until it ends or is aborted. */
async function ndjson(url: string, headers: Record<string, string> = {}) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  const ended = (async () => {
    if (!res.body || res.status !== 200) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
          buf = buf.slice(nl + 1);
        }
      }
    } catch {
      // aborted
    }
  })();
  return { res, lines, ended, close: () => (ctrl.abort(), ended) };
}

async function waitFor(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const messagesOf = (c: SseClient) => c.of('message').map((e) => JSON.parse(e.data) as { id: string; message: string });
const opened = (c: SseClient) => c.until((e) => e.some((x) => x.event === 'open'));

describe('topics: publish with one curl, subscribe over SSE, JSON stream and WebSocket, per-topic tokens', () => {
  let env: NotifyTestEnv;
  /** A second notify-svc on the same database (another instance behind the gateway), its log lines kept. */
  let other: TestApp;
  const logLines: string[] = [];
  let a: TestTenant;
  let b: TestTenant;
  let publisherKey: string;
  const open: Array<{ close(): Promise<unknown> }> = [];

  const sse = async (app: { baseUrl: string }, path: string, headers: Record<string, string> = {}) => {
    const c = await SseClient.open(`${app.baseUrl}${path}`, headers);
    open.push(c);
    return c;
  };
  const createTopic = async (t: TestTenant, name: string, visibility: 'public' | 'private') => {
    const res = await env.http.post(TOPICS, { name, visibility }, { token: t.admin });
    expect(res.status).toBe(201);
    return res.body.data as { name: string; publicPath: string; visibility: string };
  };
  const token = async (t: TestTenant, topic: string, accessLevel: string, expiresAt?: string) => {
    const res = await env.http.post(
      `${TOPICS}/${topic}/access-tokens`,
      { name: `t-${accessLevel}`, accessLevel, expiresAt },
      { token: t.admin },
    );
    expect(res.status).toBe(201);
    return res.body.data as { id: string; token: string };
  };
  const publish = (app: TestApp, path: string, message: string, headers: Record<string, string>) =>
    app.http.post(path, undefined, { raw: message, headers: { 'content-type': 'text/plain', ...headers } });

  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      TOPIC_PUBLISH_ENTERPRISE: '1000000/1m',
      TOPIC_ANONYMOUS_RATE: '100000/1m',
      RATE_LIMIT_IP: '100000/1m',
    });
    other = await startTestApp(AppModule.forRoot(env.config), {
      logLevel: 'info',
      logDestination: { write: (l) => void logLines.push(l) },
    });
    a = env.tenant();
    b = env.tenant();
    publisherKey = a.apiKey(['notifications:send']);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
    await other?.close();
    await env?.close();
  });

  describe('topics CRUD', () => {
    it('creates, lists, reads, updates and deletes; names are URL-safe and unique per tenant; the public path hides the tenant id', async () => {
      const t = await createTopic(a, 'crud-1', 'public');
      expect(t.publicPath).toMatch(/^\/notify\/v1\/t\/[a-z2-7]{16}\/crud-1$/);
      expect(t.publicPath).not.toContain(a.tenantId);
      const again = await createTopic(a, 'crud-2', 'private');
      expect(again.publicPath.split('/')[4]).toBe(t.publicPath.split('/')[4]); // one slug per tenant, stable
      expect((await env.http.post(TOPICS, { name: 'crud-1', visibility: 'public' }, { token: a.admin })).status).toBe(409);
      const bad = await env.http.post(TOPICS, { name: 'no spaces/or slashes', visibility: 'public' }, { token: a.admin });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect((await env.http.post(TOPICS, { name: 'x'.repeat(65), visibility: 'public' }, { token: a.admin })).status).toBe(400);
      expect((await env.http.post(TOPICS, { name: 'ok', visibility: 'secret' }, { token: a.admin })).status).toBe(400);
      // Same name in another tenant is fine; another tenant's topic is not found.
      await createTopic(b, 'crud-1', 'private');
      expect((await env.http.get(`${TOPICS}/crud-2`, { token: b.admin })).status).toBe(404);
      expect((await env.http.post(TOPICS, { name: 'by-user', visibility: 'public' }, { token: a.user })).status).toBe(403);

      const list = await env.http.get(`${TOPICS}?limit=1`, { token: a.admin });
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(1);
      expect(list.body.page.has_more).toBe(true);
      const patched = await env.http.patch(`${TOPICS}/crud-2`, { visibility: 'public', description: 'now public' }, { token: a.admin });
      expect(patched.body.data).toMatchObject({ visibility: 'public', description: 'now public' });
      expect((await env.http.get(`${TOPICS}/crud-2`, { token: a.organizer })).body.data.visibility).toBe('public');
      expect((await env.http.delete(`${TOPICS}/crud-2`, { token: a.admin })).status).toBe(200);
      expect((await env.http.get(`${TOPICS}/crud-2`, { token: a.admin })).status).toBe(404);
    });
  });

  describe('publish and subscribe', () => {
    let alerts: { publicPath: string };

    beforeAll(async () => {
      alerts = await createTopic(a, 'alerts', 'public');
    });

    it('anonymous SSE on a public topic receives, within 1 s, a message published with an API key on another instance', async () => {
      const c = await sse(env.t, `${alerts.publicPath}/sse`);
      expect(c.status).toBe(200);
      expect(c.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await opened(c);
      const t0 = Date.now();
      const res = await publish(other, `${TOPICS}/alerts`, 'Disk almost full', {
        'x-api-key': publisherKey,
        title: 'db-1',
        priority: 'high',
        tags: 'warning,disk',
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        event: 'message',
        topic: 'alerts',
        message: 'Disk almost full',
        title: 'db-1',
        priority: 4,
        tags: ['warning', 'disk'],
      });
      expect(res.body.data.id).toMatch(/^[a-z2-7]{12}$/);
      expect(res.body.data.expires - res.body.data.time).toBe(12 * 3600);
      await c.until(() => messagesOf(c).length === 1, 1000);
      expect(Date.now() - t0).toBeLessThan(1000);
      const ev = c.of('message')[0]!;
      expect(ev.id).toBe(res.body.data.id);
      expect(JSON.parse(ev.data)).toEqual(res.body.data);
      await c.close();
    });

    it("a publish reaches every stream of an instance through one read of the topic's new messages, not one a stream", async () => {
      await createTopic(a, 'shared-read', 'public');
      const path = (await env.http.get(`${TOPICS}/shared-read`, { token: a.admin })).body.data.publicPath as string;
      const streams = await Promise.all(Array.from({ length: 5 }, () => sse(env.t, `${path}/sse`)));
      await Promise.all(streams.map(opened));
      // A first message that every stream has received: each stream's reading loop is idle again
      // (no read from its starting point still in flight), so the count below is the second message's alone.
      const first = await publish(env.t, `${TOPICS}/shared-read`, 'warm-up', { 'x-api-key': publisherKey });
      expect(first.status).toBe(200);
      await Promise.all(streams.map((c) => c.until(() => messagesOf(c).length === 1, 2000)));
      // Observed, not replaced: each call still reads PostgreSQL.
      const repo = env.t.app.get(TopicsRepository);
      const read = jest.spyOn(repo, 'messagesAfter');
      try {
        const res = await publish(env.t, `${TOPICS}/shared-read`, 'to all five', { 'x-api-key': publisherKey });
        expect(res.status).toBe(200);
        await Promise.all(streams.map((c) => c.until(() => messagesOf(c).length === 2, 2000)));
        for (const c of streams) expect(messagesOf(c)[1]!.id).toBe(res.body.data.id);
        expect(read).toHaveBeenCalledTimes(1);
      } finally {
        read.mockRestore();
        await Promise.all(streams.map((c) => c.close()));
      }
    });

    it('publishes with curl -d as the seed shows, and instance B receives what instance A stored', async () => {
      const c = await sse(other, `${alerts.publicPath}/sse`);
      await opened(c);
      const { stdout } = await run('curl', [
        '-s',
        '-H',
        `X-API-Key: ${publisherKey}`,
        '-H',
        'Title: Outage',
        '-d',
        'Server is down!',
        `${env.t.baseUrl}${TOPICS}/alerts`,
      ]);
      const answer = JSON.parse(stdout) as { data: { id: string; message: string; title: string } };
      expect(answer.data).toMatchObject({ message: 'Server is down!', title: 'Outage' });
      await c.until(() => messagesOf(c).some((m) => m.id === answer.data.id), 1000);
      await c.close();
    });

    it('takes JSON too (actions ≤ 3), refuses bad input with 4xx and bodies above 4 KB with 413', async () => {
      const ok = await env.http.post(
        `${TOPICS}/alerts`,
        { message: 'json', priority: 5, actions: [{ action: 'view', label: 'Open', url: 'https://example.com/x' }] },
        { headers: { 'x-api-key': publisherKey } },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.data.actions).toEqual([{ action: 'view', label: 'Open', url: 'https://example.com/x' }]);
      const big = await publish(env.t, `${TOPICS}/alerts`, 'x'.repeat(4097), { 'x-api-key': publisherKey });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      const action = { action: 'view', label: 'l', url: 'https://example.com' };
      const bads = [
        { message: 'x', priority: 9 },
        { message: 'x', actions: [action, action, action, action] },
        { message: 'x', unknown: 1 },
        { title: 'no message' },
      ];
      for (const body of bads) {
        const r = await env.http.post(`${TOPICS}/alerts`, body, { headers: { 'x-api-key': publisherKey } });
        expect(r.status).toBe(400);
      }
      expect((await publish(env.t, `${TOPICS}/alerts`, '', { 'x-api-key': publisherKey })).status).toBe(400);
      expect((await publish(env.t, `${TOPICS}/alerts`, 'x', { 'x-api-key': publisherKey, priority: 'loud' })).status).toBe(400);
      expect((await publish(env.t, `${TOPICS}/nope`, 'x', { 'x-api-key': publisherKey })).status).toBe(404);
      // Publishing always needs a credential, even to a public topic; PUT works as POST.
      expect((await publish(env.t, alerts.publicPath, 'anon', {})).status).toBe(401);
      const put = await env.http.put(`${alerts.publicPath}`, undefined, {
        raw: 'via put',
        headers: { 'content-type': 'text/plain', 'x-api-key': publisherKey },
      });
      expect(put.status).toBe(200);
      // Idempotency-Key on publish, also by public path: the replay answers the same stored message.
      const once = { 'x-api-key': publisherKey, 'idempotency-key': `pub-${Date.now()}` };
      const first = await publish(env.t, alerts.publicPath, 'exactly once', once);
      const replay = await publish(other, alerts.publicPath, 'exactly once', once);
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.data.id).toBe(first.body.data.id);
      const otherTenant = await publish(env.t, alerts.publicPath, 'x', { authorization: `Bearer ${b.admin}`, 'idempotency-key': 'k-b' });
      expect(otherTenant.status).toBe(403);
      // A key without notifications:send, a plain user, another tenant: refused.
      expect((await publish(env.t, `${TOPICS}/alerts`, 'x', { 'x-api-key': a.apiKey(['notifications:read']) })).status).toBe(403);
      expect((await publish(env.t, `${TOPICS}/alerts`, 'x', { authorization: `Bearer ${a.user}` })).status).toBe(403);
      expect((await publish(env.t, alerts.publicPath, 'x', { authorization: `Bearer ${b.admin}` })).status).toBe(403);
    });

    it('serves the JSON stream and WebSocket, with since= by id, duration and all, and poll=1', async () => {
      await createTopic(a, 'history', 'public');
      const path = `${TOPICS}/history`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await publish(env.t, path, `h${i}`, { 'x-api-key': publisherKey })).body.data.id as string);
      const pub = (await env.http.get(`${TOPICS}/history`, { token: a.admin })).body.data.publicPath as string;
      const poll = async (q: string) => {
        const s = await ndjson(`${env.t.baseUrl}${pub}/json?poll=1&${q}`);
        await s.ended;
        return s.lines.map((l) => l.message);
      };
      expect(await poll('since=all')).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
      expect(await poll('')).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
      expect(await poll(`since=${ids[2]}`)).toEqual(['h3', 'h4']);
      expect(await poll('since=10m')).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
      expect(await poll(`since=${Math.floor(Date.now() / 1000) + 60}`)).toEqual([]);
      expect(await poll('since=latest')).toEqual(['h4']);
      const bad = await fetch(`${env.t.baseUrl}${pub}/json?poll=1&since=yesterday`);
      expect(bad.status).toBe(400);

      // Live JSON stream: open event first, then each new message on its own line.
      const live = await ndjson(`${other.baseUrl}${pub}/json`);
      open.push(live);
      expect(live.res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      await waitFor(() => live.lines.some((l) => l.event === 'open'), 2000, 'open');
      await publish(env.t, path, 'live-json', { 'x-api-key': publisherKey });
      await waitFor(() => live.lines.some((l) => l.message === 'live-json'), 2000, 'live json message');
      await live.close();

      // WebSocket, with the backlog since an id, then live.
      const ws = new WebSocket(`${other.baseUrl.replace('http', 'ws')}${pub}/ws?since=${ids[3]}`);
      const frames: Array<Record<string, unknown>> = [];
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      await waitFor(() => frames.some((f) => f.message === 'h4'), 2000, 'ws backlog');
      await publish(env.t, path, 'live-ws', { 'x-api-key': publisherKey });
      await waitFor(() => frames.some((f) => f.message === 'live-ws'), 2000, 'ws live');
      expect(frames.filter((f) => f.event === 'message').map((f) => f.message)).toEqual(['h4', 'live-json', 'live-ws']);
      ws.close();
      // A plain GET on the WebSocket route is told to upgrade.
      expect((await fetch(`${env.t.baseUrl}${pub}/ws`)).status).toBe(426);
    });

    it('resumes with Last-Event-ID across 1,000 messages published on both instances: none lost, none twice', async () => {
      await createTopic(a, 'firehose', 'public');
      const pub = (await env.http.get(`${TOPICS}/firehose`, { token: a.admin })).body.data.publicPath as string;
      const seen: string[] = [];
      let lastId: string | undefined;
      let c = await sse(env.t, `${pub}/sse`);
      await opened(c);
      const sending = (async () => {
        for (let i = 0; i < 1000; i += 20) {
          await Promise.all(
            Array.from({ length: 20 }, (_, j) =>
              publish(j % 2 ? env.t : other, `${TOPICS}/firehose`, `m${i + j}`, { 'x-api-key': publisherKey }).then((r) =>
                expect(r.status).toBe(200),
              ),
            ),
          );
        }
      })();
      const take = (client: SseClient) => {
        for (const e of client.of('message')) seen.push(JSON.parse(e.data).message as string);
        lastId = client.of('message').at(-1)?.id ?? lastId;
      };
      for (const [app, atLeast] of [
        [other, 200],
        [env.t, 600],
      ] as const) {
        await c.until(() => seen.length + c.of('message').length >= atLeast, 20_000);
        await c.close();
        take(c);
        c = await sse(app, `${pub}/sse`, { 'last-event-id': lastId! });
      }
      await sending;
      await c.until(() => seen.length + c.of('message').length >= 1000, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      await c.close();
      take(c);
      expect(seen).toHaveLength(1000);
      expect(new Set(seen).size).toBe(1000);
    }, 60_000);
  });

  describe('forwarding by channel (topic subscriptions)', () => {
    it('turns each message into deliveries through the pipeline: suppressions apply, webhooks only to registered endpoints', async () => {
      await createTopic(a, 'forwarded', 'private');
      const sub = (body: object) => env.http.post(`${TOPICS}/forwarded/subscriptions`, body, { token: a.admin });
      const ok = `fwd-${Date.now()}@example.com`;
      const suppressed = `fwd-suppressed-${Date.now()}@example.com`;
      expect((await sub({ channel: 'email', to: { email: ok } })).status).toBe(201);
      expect((await sub({ channel: 'email', to: { email: suppressed } })).status).toBe(201);
      const smsSub = await sub({ channel: 'sms', to: { phone: '+1 415 553 4567' } });
      expect(smsSub.status).toBe(201);
      expect(smsSub.body.data.to.phone).toBe('+14155534567'); // stored in E.164
      const badPhone = await sub({ channel: 'sms', to: { phone: '+1555' } });
      expect(badPhone.status).toBe(400);
      expect(badPhone.body.error.details[0].field).toBe('to.phone');
      expect((await sub({ channel: 'email', to: { phone: '+14155534567' } })).status).toBe(400);
      expect((await sub({ channel: 'webhook', to: { url: 'http://169.254.169.254/latest' } })).status).toBe(422);
      expect((await sub({ channel: 'fax', to: { email: ok } })).status).toBe(400);
      expect(
        (await env.http.post('/notify/v1/suppressions', { channel: 'email', address: suppressed, reason: 'bounced' }, { token: a.admin }))
          .status,
      ).toBe(201);
      const listed = await env.http.get(`${TOPICS}/forwarded/subscriptions`, { token: a.admin });
      expect(listed.body.data).toHaveLength(3);

      const res = await publish(env.t, `${TOPICS}/forwarded`, 'Deploy finished', { 'x-api-key': publisherKey, title: 'CI' });
      expect(res.status).toBe(200);
      const rows = await env.systemQuery<{ channel: string; address: string; status: string; content: Record<string, string> }>(
        `SELECT channel, address, status, content FROM deliveries WHERE tenant_id = $1 AND data->>'messageId' = $2 ORDER BY channel, address`,
        [a.tenantId, res.body.data.id],
      );
      expect(rows.map((r) => [r.channel, r.address, r.status])).toEqual([
        ['email', ok, 'queued'],
        ['email', suppressed, 'suppressed'],
        ['sms', '+14155534567', 'queued'],
      ]);
      expect(rows[0]!.content).toMatchObject({ subject: 'CI', text: 'Deploy finished' });
      const id = listed.body.data[0].id as string;
      expect((await env.http.delete(`${TOPICS}/forwarded/subscriptions/${id}`, { token: a.admin })).status).toBe(200);
      expect((await env.http.get(`${TOPICS}/forwarded/subscriptions`, { token: a.admin })).body.data).toHaveLength(2);
    });
  });

  describe('credentials', () => {
    it('a private topic refuses anonymous reads (401); members and read tokens may subscribe', async () => {
      const t = await createTopic(a, 'private-1', 'private');
      for (const kind of ['sse', 'json']) {
        const res = await fetch(`${env.t.baseUrl}${t.publicPath}/${kind}?poll=1`);
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      }
      expect((await fetch(`${env.t.baseUrl}${TOPICS}/private-1/sse?poll=1`)).status).toBe(401);
      // Another tenant's member does not see it.
      expect((await fetch(`${env.t.baseUrl}${t.publicPath}/json?poll=1`, { headers: { authorization: `Bearer ${b.user}` } })).status).toBe(
        404,
      );
      const member = await fetch(`${env.t.baseUrl}${TOPICS}/private-1/json?poll=1`, { headers: { authorization: `Bearer ${a.user}` } });
      expect(member.status).toBe(200);
      const read = await token(a, 'private-1', 'read');
      expect((await fetch(`${env.t.baseUrl}${t.publicPath}/json?poll=1`, { headers: { 'x-topic-token': read.token } })).status).toBe(200);
    });

    it('read-only tokens cannot publish, write-only ones cannot subscribe, a token of topic A is 403 on topic B and on every other endpoint', async () => {
      const ta = await createTopic(a, 'tok-a', 'private');
      const tb = await createTopic(a, 'tok-b', 'public');
      const read = await token(a, 'tok-a', 'read');
      const write = await token(a, 'tok-a', 'write');
      const both = await token(a, 'tok-a', 'read_write');
      expect((await publish(env.t, `${TOPICS}/tok-a`, 'x', { 'x-topic-token': read.token })).status).toBe(403);
      const written = await publish(env.t, ta.publicPath, 'by token', { authorization: `Bearer ${write.token}` });
      expect(written.status).toBe(200);
      expect((await publish(env.t, `${TOPICS}/tok-a`, 'x', { 'x-topic-token': both.token })).status).toBe(200);
      expect((await fetch(`${env.t.baseUrl}${TOPICS}/tok-a/json?poll=1`, { headers: { 'x-topic-token': write.token } })).status).toBe(403);
      const readBoth = await ndjson(`${env.t.baseUrl}${TOPICS}/tok-a/json?poll=1&token=${both.token}`);
      await readBoth.ended;
      expect(readBoth.lines.map((l) => l.message)).toEqual(['by token', 'x']);
      // Topic A's token on topic B (even a public one), and on the rest of the API.
      expect((await publish(env.t, `${TOPICS}/tok-b`, 'x', { 'x-topic-token': both.token })).status).toBe(403);
      expect((await fetch(`${env.t.baseUrl}${tb.publicPath}/json?poll=1`, { headers: { 'x-topic-token': both.token } })).status).toBe(403);
      for (const h of [{ authorization: `Bearer ${both.token}` }, { 'x-topic-token': both.token }] as Array<Record<string, string>>) {
        expect((await env.http.get('/notify/v1/deliveries', { headers: h })).status).toBe(403);
        expect((await env.http.get(`${TOPICS}/tok-a`, { headers: h })).status).toBe(403);
        expect((await env.http.post(`${TOPICS}/tok-a/access-tokens`, { name: 'x', accessLevel: 'read' }, { headers: h })).status).toBe(403);
      }
      const list = await env.http.get(`${TOPICS}/tok-a/access-tokens`, { token: a.admin });
      const listed = list.body.data.find((k: { id: string }) => k.id === write.id);
      expect(listed.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(list.body)).not.toContain(write.token);
      const [row] = await env.systemQuery<{ token_hash: string }>('SELECT token_hash FROM topic_access_tokens WHERE id = $1', [write.id]);
      expect(row!.token_hash).not.toContain(write.token.slice(3));
    });

    it('an expired or revoked token is refused, and its open stream ends on every instance', async () => {
      await createTopic(a, 'revoke-me', 'private');
      const t = await token(a, 'revoke-me', 'read');
      const onOther = await sse(other, `${TOPICS}/revoke-me/sse?token=${t.token}`);
      expect(onOther.status).toBe(200);
      await opened(onOther);
      const t0 = Date.now();
      expect((await env.http.delete(`${TOPICS}/revoke-me/access-tokens/${t.id}`, { token: a.admin })).status).toBe(200);
      await onOther.ended;
      expect(Date.now() - t0).toBeLessThan(2000);
      expect((await fetch(`${env.t.baseUrl}${TOPICS}/revoke-me/sse?poll=1`, { headers: { 'x-topic-token': t.token } })).status).toBe(401);

      const soon = await token(a, 'revoke-me', 'read', new Date(Date.now() + 1500).toISOString());
      const c = await sse(env.t, `${TOPICS}/revoke-me/sse`, { 'x-topic-token': soon.token });
      await opened(c);
      await c.ended; // ended at its expiry
      const res = await fetch(`${env.t.baseUrl}${TOPICS}/revoke-me/sse`, { headers: { 'x-topic-token': soon.token } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TOKEN_EXPIRED');
    });

    it('never writes a ?token= to a log line', async () => {
      await createTopic(a, 'logged', 'private');
      const t = await token(a, 'logged', 'read');
      const c = await sse(other, `${TOPICS}/logged/sse?token=${t.token}&since=all`);
      await opened(c);
      await c.close();
      await fetch(`${other.baseUrl}${TOPICS}/logged/json?poll=1&token=${t.token}`).then((r) => r.text());
      await fetch(`${other.baseUrl}${TOPICS}/logged/json?poll=1&token=tk_wrong`).then((r) => r.text());
      await waitFor(() => logLines.some((l) => l.includes('stream closed')), 2000, 'stream log line');
      expect(logLines.some((l) => l.includes('/logged/'))).toBe(true);
      expect(logLines.join('\n')).not.toContain(t.token);
      expect(logLines.join('\n')).not.toContain('tk_wrong');
    });
  });
});
