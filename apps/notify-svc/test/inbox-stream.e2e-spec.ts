import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SseClient, startTestApp, type TestApp } from '#testing';
import { AppModule } from '../src/app.module.js';
import { InboxPublisher } from '../src/notifications/inbox.publisher.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const STREAM = '/notify/v1/notifications/stream';

// Fan-out over PostgreSQL always; over Redis too when the run provides one (TEST_REDIS_URL).
const buses: Array<[string, Record<string, string>]> = [['LISTEN/NOTIFY', {}]];
if (process.env.TEST_REDIS_URL) buses.push(['Redis', { REDIS_URL: process.env.TEST_REDIS_URL }]);

describe.each(buses)('GET /notifications/stream (in-app inbox, live, fan-out over %s)', (_bus, busEnv) => {
  let env: NotifyTestEnv;
  /** A second notify-svc on the same database: another instance behind the gateway. */
  let other: TestApp;
  const logLines: string[] = [];
  let a: TestTenant;
  let b: TestTenant;
  const open: SseClient[] = [];

  const stream = async (app: { baseUrl: string }, headers: Record<string, string>, query = '') => {
    const c = await SseClient.open(`${app.baseUrl}${STREAM}${query}`, headers);
    open.push(c);
    return c;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const send = (via: TestApp, t: TestTenant, userId: string, body: string) =>
    via.http.post(
      '/notify/v1/deliveries',
      { channel: 'in_app', to: { userId }, subject: 'Hi', body, data: { n: body } },
      { token: t.organizer },
    );
  /** Waits for the first unread_count: the stream is subscribed and has read its starting point. */
  const started = (c: SseClient) => c.until((e) => e.some((x) => x.event === 'unread_count'));

  beforeAll(async () => {
    env = await NotifyTestEnv.start({ ...busEnv, WORKERS_ENABLED: 'true' });
    other = await startTestApp(AppModule.forRoot(env.config), {
      logLevel: 'trace',
      logDestination: { write: (l) => void logLines.push(l) },
    });
    a = env.tenant();
    b = env.tenant();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await other?.close();
    await env?.close();
  });

  it('pushes an in-app notification accepted on another instance within 1 s, with its sequence number as event id', async () => {
    const c = await stream(env.t, bearer(a.user));
    expect(c.status).toBe(200);
    expect(c.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(c.response.headers.get('cache-control')).toBe('no-store');
    expect(c.response.headers.get('x-request-id')).toBeTruthy();
    await started(c);
    expect(JSON.parse(c.of('unread_count')[0]!.data)).toEqual({ count: 0 });

    const t0 = Date.now();
    const res = await send(other, a, a.userId, 'cross-instance');
    expect(res.status).toBe(202);
    await c.until((e) => e.some((x) => x.event === 'notification'), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);

    const [row] = await env.systemQuery<{ id: string; seq: string }>('SELECT id, seq::text FROM notifications WHERE delivery_id = $1', [
      res.body.data.id,
    ]);
    const ev = c.of('notification')[0]!;
    expect(ev.id).toBe(row!.seq);
    expect(JSON.parse(ev.data)).toEqual({
      id: row!.id,
      title: 'Hi',
      body: 'cross-instance',
      data: { n: 'cross-instance' },
      category: null,
      createdAt: expect.any(String),
      readAt: null,
    });
    await c.until((e) => e.some((x) => x.event === 'unread_count' && JSON.parse(x.data).count === 1));
    await c.close();
  });

  it('pushes unread_count on PATCH read and on read-all, from either instance', async () => {
    const c = await stream(env.t, bearer(a.user));
    await started(c);
    await send(env.t, a, a.userId, 'second');
    const counts = () => c.of('unread_count').map((e) => JSON.parse(e.data).count as number);
    await c.until(() => counts().at(-1) === 2);
    const list = await env.http.get('/notify/v1/notifications', { token: a.user });
    const patched = await other.http.patch(`/notify/v1/notifications/${list.body.data[0].id}`, { read: true }, { token: a.user });
    expect(patched.status).toBe(200);
    await c.until(() => counts().at(-1) === 1, 1000);
    expect((await other.http.post('/notify/v1/notifications/read-all', {}, { token: a.user })).status).toBe(200);
    await c.until(() => counts().at(-1) === 0, 1000);
    // A change that changes nothing sends nothing.
    const before = counts().length;
    await other.http.patch(`/notify/v1/notifications/${list.body.data[0].id}`, { read: true }, { token: a.user });
    await new Promise((r) => setTimeout(r, 300));
    expect(counts()).toHaveLength(before);
    await c.close();
  });

  it('resumes with Last-Event-ID across disconnects: 200 notifications, none lost, none twice', async () => {
    const userId = a.organizerId; // a fresh inbox
    const seen: string[] = [];
    const ids: string[] = [];
    let c = await stream(other, bearer(a.organizer));
    await started(c);
    let lastId = c.events.at(-1)!.id!;
    // Sent in the background while the client drops and resumes twice; alternating instances.
    const sending = (async () => {
      for (let i = 0; i < 200; i++) expect((await send(i % 2 ? env.t : other, a, userId, `m${i}`)).status).toBe(202);
    })();
    const take = (client: SseClient) => {
      for (const e of client.of('notification')) {
        seen.push(JSON.parse(e.data).body as string);
        ids.push(e.id!);
      }
      lastId = client.events.at(-1)?.id ?? lastId;
    };
    for (const [app, atLeast] of [
      [env.t, 40],
      [other, 120],
    ] as const) {
      await c.until(() => seen.length + c.of('notification').length >= atLeast, 15_000);
      await c.close();
      take(c);
      c = await stream(app, { ...bearer(a.organizer), 'last-event-id': lastId });
    }
    await sending;
    await c.until(() => seen.length + c.of('notification').length >= 200, 15_000);
    await new Promise((r) => setTimeout(r, 300)); // anything extra would arrive now
    await c.close();
    take(c);
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    expect([...seen].sort()).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`).sort());
    const numeric = ids.map(BigInt);
    expect(numeric.every((v, i) => i === 0 || v > numeric[i - 1]!)).toBe(true);
    const db = await env.systemQuery<{ seq: string }>(
      'SELECT seq::text FROM notifications WHERE tenant_id = $1 AND user_id = $2 ORDER BY notifications.seq',
      [a.tenantId, userId],
    );
    expect(ids).toEqual(db.map((r) => r.seq));
  });

  it('sends an item committed after a newer one (two accepts racing), without moving the event id backwards', async () => {
    const userId = a.adminId;
    const c = await stream(env.t, bearer(a.admin));
    await started(c);
    const insert = `INSERT INTO notifications (tenant_id, user_id, body) VALUES ($1, $2, $3) RETURNING seq::text`;
    const slow = new pg.Client({ connectionString: env.db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const [early] = (await slow.query<{ seq: string }>(insert, [a.tenantId, userId, 'early seq, late commit'])).rows;
      const [late] = await env.systemQuery<{ seq: string }>(insert, [a.tenantId, userId, 'late seq, early commit']);
      const publisher = env.t.app.get(InboxPublisher);
      await publisher.published(a.tenantId, userId, late!.seq);
      await c.until(() => c.of('notification').length === 1);
      await slow.query('COMMIT');
      await publisher.published(a.tenantId, userId, early!.seq);
      await c.until(() => c.of('notification').length === 2);
      expect(c.of('notification').map((e) => [JSON.parse(e.data).body, e.id])).toEqual([
        ['late seq, early commit', late!.seq],
        ['early seq, late commit', late!.seq],
      ]);
    } finally {
      await slow.end();
      await c.close();
    }
  });

  it('never shows another user or another tenant a notification', async () => {
    const mine = await stream(env.t, bearer(a.user));
    const otherTenant = await stream(other, bearer(b.user));
    const sameTenantOtherUser = await stream(env.t, bearer(a.organizer));
    await Promise.all([started(mine), started(otherTenant), started(sameTenantOtherUser)]);
    const before = sameTenantOtherUser.of('notification').length;
    await send(other, a, a.userId, 'only for a.user');
    // b's user shares a's user id nowhere; also send to b's user id in a's tenant: a topic per tenant and user.
    await send(other, a, b.userId, 'a tenant, b user id');
    await mine.until((e) => e.some((x) => x.event === 'notification' && JSON.parse(x.data).body === 'only for a.user'));
    await new Promise((r) => setTimeout(r, 300));
    expect(otherTenant.of('notification')).toEqual([]);
    expect(sameTenantOtherUser.of('notification')).toHaveLength(before);
    expect(mine.of('notification').map((e) => JSON.parse(e.data).body)).not.toContain('a tenant, b user id');
  });

  it('takes ?token= on the stream only, and keeps it out of every log line', async () => {
    const secret = a.token(['user'], { sub: a.userId });
    logLines.length = 0;
    const c = await stream(other, {}, `?token=${encodeURIComponent(secret)}`);
    expect(c.status).toBe(200);
    await started(c);
    await c.close();
    const elsewhere = await other.http.get(`/notify/v1/notifications?token=${encodeURIComponent(secret)}`);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error.code).toBe('UNAUTHORIZED');
    const unread = await other.http.get(`/notify/v1/notifications/unread-count?token=${encodeURIComponent(secret)}`);
    expect(unread.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    const lines = logLines.join('');
    expect(lines).toMatch(/"url":"\/notify\/v1\/notifications\/stream","status":200.*"msg":"stream closed"/);
    expect(lines).toContain('"url":"/notify/v1/notifications?token=[REDACTED]"');
    expect(lines).not.toContain(secret);
    expect(lines).not.toContain(secret.split('.')[2]!);
  });

  it('answers 401 in the envelope without a credential, and 400 for a Last-Event-ID it never sent', async () => {
    const none = await stream(env.t, {});
    expect(none.status).toBe(401);
    await none.ended;
    const body = JSON.parse(none.raw);
    expect(body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' }, meta: { request_id: expect.any(String) } });
    const bad = await stream(env.t, { ...bearer(a.user), 'last-event-id': 'not-a-seq' });
    expect(bad.status).toBe(400);
    await bad.ended;
    expect(JSON.parse(bad.raw).error.code).toBe('VALIDATION_FAILED');
    const key = await stream(env.t, { 'x-api-key': a.apiKey(['notifications:read']) });
    expect(key.status).toBe(403);
  });
});
