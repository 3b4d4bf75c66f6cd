import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { SseStreams } from '#common';
import { SseClient } from '#testing';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';

const TOPICS = '/notify/v1/topics';

describe('topic limits: anonymous per IP (/64), open streams per IP, publishes per plan tier, slow subscribers', () => {
  let env: NotifyTestEnv;
  let team: TestTenant;
  let free: TestTenant;
  let publicPath: string;
  const open: SseClient[] = [];

  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      TOPIC_PUBLISH_FREE: '3/1m',
      TOPIC_PUBLISH_ENTERPRISE: '100000/1m',
      TOPIC_ANONYMOUS_RATE: '5/1m',
      TOPIC_MAX_STREAMS_PER_IP: '2',
      TOPIC_SUBSCRIBER_MAX_BACKLOG: '65536',
      RATE_LIMIT_IP: '100000/1m',
      WORKERS_ENABLED: 'true',
    });
    team = env.tenant('enterprise');
    free = env.tenant('free');
    const res = await env.http.post(TOPICS, { name: 'limits', visibility: 'public' }, { token: team.admin });
    publicPath = res.body.data.publicPath as string;
    expect((await env.http.post(TOPICS, { name: 'limits', visibility: 'public' }, { token: free.admin })).status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await env?.close();
  });

  const publish = (t: TestTenant, message: string) =>
    env.http.post(`${TOPICS}/limits`, undefined, {
      raw: message,
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${t.organizer}` },
    });
  const poll = (ip: string) => fetch(`${env.t.baseUrl}${publicPath}/json?poll=1`, { headers: { 'x-forwarded-for': ip } });

  it('limits publishes per tenant by plan tier, with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await publish(free, `f${i}`)).status).toBe(200);
    const over = await publish(free, 'one too many');
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) expect((await publish(team, `t${i}`)).status).toBe(200);
  });

  it('limits anonymous requests per client IP, an IPv6 /64 counting as one client, the whole minute usable as a burst', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await poll(`2001:db8:aa:bb::${i + 1}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const over = await poll('2001:db8:aa:bb:ffff:ffff:ffff:ffff');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await poll('2001:db8:aa:cc::1')).status).toBe(200);
    expect((await poll('198.51.100.7')).status).toBe(200);
    // A credential is not anonymous: not counted against the IP.
    const member = await fetch(`${env.t.baseUrl}${publicPath}/json?poll=1`, {
      headers: { 'x-forwarded-for': '2001:db8:aa:bb::1', authorization: `Bearer ${team.user}` },
    });
    expect(member.status).toBe(200);
  });

  it('caps open streams per client IP', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.9' };
    const s1 = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, ip);
    const s2 = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, ip);
    open.push(s1, s2);
    expect([s1.status, s2.status]).toEqual([200, 200]);
    const s3 = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, ip);
    expect(s3.status).toBe(429);
    await s3.ended;
    expect(JSON.parse(s3.raw).error.code).toBe('RATE_LIMITED');
    const elsewhere = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, { 'x-forwarded-for': '203.0.113.10' });
    open.push(elsewhere);
    expect(elsewhere.status).toBe(200);
    await s1.close();
    await env.eventually(
      async () => {
        const again = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, ip);
        if (again.status === 200) open.push(again);
        else await again.close();
        return again.status === 200;
      },
      3000,
      'a freed stream slot',
    );
  });

  it('drops a subscriber that stops reading once its backlog stays full, while a fast one gets everything', async () => {
    const fast = await SseClient.open(`${env.t.baseUrl}${publicPath}/sse`, { authorization: `Bearer ${team.user}` });
    open.push(fast);
    await fast.until((e) => e.some((x) => x.event === 'open'));
    const streams = env.t.app.get(SseStreams);
    const base = streams.size;
    // The slow reader: a raw connection that sends its request and never reads a byte.
    const url = new URL(env.t.baseUrl);
    const slow = net.connect({ host: url.hostname, port: Number(url.port) });
    slow.on('error', () => undefined);
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write(
      `GET ${publicPath}/sse HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${team.user}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    slow.pause();
    await env.eventually(async () => streams.size === base + 1, 2000, 'the slow stream to open');
    const body = 'x'.repeat(3500);
    const sent = 2500; // ~9 MB: more than the kernel's socket buffers hold for a reader that never reads
    // 10 at a time: on a loaded machine 25 at once could wait past the pool's 5 s acquire timeout (a
    // 503 that takes nothing). A 503 is the documented "try again shortly": the client retries it once.
    const publishOnce = async (message: string) => {
      const r = await publish(team, message);
      if (r.status !== 503) return r;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return publish(team, message);
    };
    for (let n = 0; n < sent; n += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          publishOnce(`${n + i} ${body}`).then((r) =>
            expect({ status: r.status, error: r.body?.error }).toEqual({ status: 200, error: null }),
          ),
        ),
      );
    }
    await fast.until((e) => e.filter((x) => x.event === 'message').length >= sent, 30_000);
    expect(fast.of('message').length).toBe(sent);
    // The server gives up on the slow reader (it did not drain within 5 s) and ends its stream.
    await env.eventually(async () => streams.size === base, 10_000, 'the slow reader to be dropped');
    // Now it reads what reached it before: the stream ended part way.
    let received = '';
    const ended = new Promise<boolean>((resolve) => {
      slow.on('data', (d: Buffer) => (received += d.toString('latin1')));
      slow.once('end', () => resolve(true));
      slow.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    slow.resume();
    expect(await ended).toBe(true);
    const got = received.split('event: message').length - 1;
    expect(got).toBeLessThan(sent);
    slow.destroy();
    // 2,500 publishes take ~25 s on a quiet machine and passed 60 s once under a full parallel run.
  }, 150_000);

  it('holds a message published with Delay until it is due (a queued job stores and signals it), and refuses bad delays', async () => {
    expect((await env.http.post(TOPICS, { name: 'later', visibility: 'private' }, { token: team.admin })).status).toBe(201);
    const path = `${TOPICS}/later`;
    for (const delay of ['5s', '4d', 'soon']) {
      const bad = await env.http.post(path, undefined, {
        raw: 'x',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${team.organizer}`, delay },
      });
      expect(bad.status).toBe(400);
    }
    const c = await SseClient.open(`${env.t.baseUrl}${path}/sse`, { authorization: `Bearer ${team.user}` });
    open.push(c);
    await c.until((e) => e.some((x) => x.event === 'open'));
    const t0 = Date.now();
    const res = await env.http.post(path, { message: 'ten seconds later', delay: '10s' }, { token: team.organizer });
    expect(res.status).toBe(200);
    expect(res.body.data.time).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) + 9);
    const polled = await fetch(`${env.t.baseUrl}${path}/json?poll=1`, { headers: { authorization: `Bearer ${team.user}` } });
    expect(await polled.text()).toBe('');
    await c.until((e) => e.some((x) => x.event === 'message'), 20_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_500);
    expect(JSON.parse(c.of('message')[0]!.data)).toMatchObject({ id: res.body.data.id, message: 'ten seconds later' });
  }, 30_000);
});
