import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { CHANNELS } from '../src/channels/channel-registry.js';
import { WebhookProvider } from '../src/channels/webhook/webhook.provider.js';
import { NotifyTestEnv, type TestTenant } from './support/notify-test-env.js';
import { startWorkerProcess } from './support/service-processes.js';
import { startSmtp } from './support/smtp-peer.js';

type Answer = { status: number; headers?: Record<string, string> };

/** A webhook receiver on loopback: records every request; `answer` decides each response (and may hold it). */
async function startReceiver(answer: (req: http.IncomingMessage, body: string) => Answer | Promise<Answer>) {
  const requests: Array<{ headers: http.IncomingHttpHeaders; body: string; at: number }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body, at: Date.now() });
      void Promise.resolve(answer(req, body)).then((a) => res.writeHead(a.status, a.headers).end(JSON.stringify({ ok: a.status < 300 })));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('channels: email over SMTP, signed webhooks', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp({ rcptCode: (to) => (to.startsWith('hard') ? 550 : to.startsWith('soft') ? 450 : null) });
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'true',
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Notify <notify@example.test>',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT: '2s',
      DELIVERY_RETRY_BASE_MS: '200',
      DELIVERY_MAX_ATTEMPTS: '3',
    });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
    await smtp?.close();
  });

  const until = (id: string, statuses: string[], timeoutMs = 15_000) =>
    env.eventually(
      async () => {
        const r = await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
        return statuses.includes(r.body.data.status) && r.body.data;
      },
      timeoutMs,
      `delivery ${id} to reach ${statuses.join('/')}`,
    );
  const register = async (url: string) => {
    const res = await env.http.post('/notify/v1/webhook-endpoints', { url, description: 'test' }, { token: a.admin });
    expect(res.status).toBe(201);
    return res.body.data as { id: string; url: string; secret: string };
  };
  const sendWebhook = (endpointId: string, body = 'payload') =>
    env.http.post('/notify/v1/deliveries', { channel: 'webhook', to: { endpointId }, body }, { token: a.organizer });

  it("the database accepts exactly the registry's channels (a new channel needs a migration widening the CHECKs)", async () => {
    const checks = await env.systemQuery<{ tbl: string; def: string }>(
      `SELECT conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE contype = 'c' AND conrelid::regclass::text IN ('deliveries', 'suppressions') AND pg_get_constraintdef(oid) LIKE '%(channel %'`,
    );
    expect(checks.map((c) => c.tbl).sort()).toEqual(['deliveries', 'suppressions']);
    for (const c of checks) expect([...c.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort()).toEqual([...CHANNELS].sort());
  });

  it('email arrives at a real SMTP server with the rendered subject, text and HTML, and ends sent with the Message-ID', async () => {
    const tpl = await env.http.post(
      '/notify/v1/templates',
      {
        key: 'receipt',
        name: 'Receipt',
        channels: { email: { subject: 'Order {{order}}', text: 'Thanks {{name}}', html: '<p>Thanks <b>{{name}}</b></p>' } },
      },
      { token: a.admin },
    );
    expect(tpl.status).toBe(201);
    const res = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'grace@example.com' }, templateKey: 'receipt', data: { order: 42, name: 'Grace <&>' } },
      { token: a.organizer },
    );
    expect(res.status).toBe(202);
    const d = await until(res.body.data.id, ['sent']);
    expect(d.provider).toBe('smtp');
    expect(d.providerMessageId).toBe(`<${d.id}@example.test>`);
    const mail = smtp.messages.find((m) => m.messageId === d.providerMessageId)!;
    expect(mail.subject).toBe('Order 42');
    expect(mail.text?.trim()).toBe('Thanks Grace <&>');
    expect(mail.html).toContain('<p>Thanks <b>Grace &lt;&amp;&gt;</b></p>');
    expect((mail.to as { text: string }).text).toBe('grace@example.com');
  });

  it('an SMTP 550 fails at once (permanent); a 450 is retried and then fails when attempts run out', async () => {
    const hard = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'hard@example.com' }, subject: 's', body: 'b' },
      { token: a.organizer },
    );
    const soft = await env.http.post(
      '/notify/v1/deliveries',
      { channel: 'email', to: { email: 'soft@example.com' }, subject: 's', body: 'b' },
      { token: a.organizer },
    );
    const h = await until(hard.body.data.id, ['failed']);
    expect(h.providerAttempts).toHaveLength(1);
    expect(h.providerAttempts[0]).toMatchObject({ outcome: 'permanent', errorCode: 'SMTP_550' });
    const s = await until(soft.body.data.id, ['failed']);
    expect(s.providerAttempts.map((x: { outcome: string }) => x.outcome)).toEqual(['temporary', 'temporary', 'temporary']);
    expect(s.events.map((e: { type: string }) => e.type)).toContain('retry_scheduled');
  });

  it('webhook endpoints: the secret is shown once, listed without it, duplicates 409, bad input 400/422, other tenants 404', async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    try {
      const e = await register(`${rx.url}/crud`);
      expect(e.secret).toMatch(/^whsec_/);
      const list = await env.http.get('/notify/v1/webhook-endpoints', { token: a.admin });
      expect(list.body.data.find((x: { id: string }) => x.id === e.id)).toBeDefined();
      expect(JSON.stringify(list.body)).not.toContain(e.secret);
      expect((await env.http.post('/notify/v1/webhook-endpoints', { url: `${rx.url}/crud` }, { token: a.admin })).status).toBe(409);
      expect((await env.http.post('/notify/v1/webhook-endpoints', { url: 'ftp://x' }, { token: a.admin })).status).toBe(400);
      expect((await env.http.post('/notify/v1/webhook-endpoints', { url: `${rx.url}/x`, extra: 1 }, { token: a.admin })).status).toBe(400);
      expect((await env.http.post('/notify/v1/webhook-endpoints', { url: `${rx.url}/x` }, { token: a.user })).status).toBe(403);
      const b = env.tenant();
      expect((await env.http.get(`/notify/v1/webhook-endpoints/${e.id}`, { token: b.admin })).status).toBe(404);
      expect(
        (await env.http.post('/notify/v1/deliveries', { channel: 'webhook', to: { endpointId: e.id }, body: 'x' }, { token: b.organizer }))
          .status,
      ).toBe(422);
      // An unregistered URL is not a webhook target.
      const stray = await env.http.post(
        '/notify/v1/deliveries',
        { channel: 'webhook', to: { url: `${rx.url}/unregistered` }, body: 'x' },
        { token: a.organizer },
      );
      expect(stray.status).toBe(422);
      // The stored secret is encrypted, never the plain value.
      const [row] = await env.systemQuery<{ secret_enc: string }>('SELECT secret_enc FROM webhook_endpoints WHERE id = $1', [e.id]);
      expect(row!.secret_enc).not.toContain(e.secret.slice(6));
      expect((await env.http.delete(`/notify/v1/webhook-endpoints/${e.id}`, { token: a.admin })).status).toBe(200);
      expect((await env.http.get(`/notify/v1/webhook-endpoints/${e.id}`, { token: a.admin })).status).toBe(404);
      expect(rx.requests).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });

  it('signs per Standard Webhooks (verified by the receiver with the standardwebhooks package); a rotation signs with both secrets', async () => {
    const rx = await startReceiver(() => ({ status: 200 }));
    try {
      const e = await register(`${rx.url}/signed`);
      const res = await sendWebhook(e.id, 'hello');
      const d = await until(res.body.data.id, ['sent']);
      const req = rx.requests[0]!;
      expect(req.headers['webhook-id']).toBe(d.id);
      const verified = new Webhook(e.secret).verify(req.body, req.headers as Record<string, string>) as {
        data: { content: { body: string } };
      };
      expect(verified.data.content.body).toBe('hello');
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req.body, req.headers as Record<string, string>),
      ).toThrow();
      const rotated = await env.http.post(`/notify/v1/webhook-endpoints/${e.id}/rotate-secret`, {}, { token: a.admin });
      expect(rotated.body.data.secret).not.toBe(e.secret);
      const again = await sendWebhook(e.id, 'after rotation');
      await until(again.body.data.id, ['sent']);
      const second = rx.requests[1]!;
      expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(() => new Webhook(e.secret).verify(second.body, second.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(rotated.body.data.secret).verify(second.body, second.headers as Record<string, string>)).not.toThrow();
    } finally {
      await rx.close();
    }
  });

  it('a 500 is retried with backoff until it succeeds; a 400 fails at once; a 429 with Retry-After: 2 waits at least 2 s', async () => {
    let fails = 2;
    let slowCalls = 0;
    const rx = await startReceiver((req) => {
      if (req.url === '/flaky') return fails-- > 0 ? { status: 500 } : { status: 200 };
      if (req.url === '/bad') return { status: 400 };
      return ++slowCalls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 };
    });
    try {
      const [flaky, bad, slow] = [await register(`${rx.url}/flaky`), await register(`${rx.url}/bad`), await register(`${rx.url}/slow`)];
      const f = await sendWebhook(flaky.id);
      const b = await sendWebhook(bad.id);
      const s = await sendWebhook(slow.id);
      const fd = await until(f.body.data.id, ['sent']);
      expect(fd.providerAttempts.map((x: { outcome: string; errorCode: string | null }) => x.errorCode ?? x.outcome)).toEqual([
        'HTTP_500',
        'HTTP_500',
        'sent',
      ]);
      const bd = await until(b.body.data.id, ['failed']);
      expect(bd.providerAttempts).toHaveLength(1);
      expect(bd.statusReason).toMatch(/HTTP_400/);
      const sd = await until(s.body.data.id, ['sent']);
      const times = rx.requests.filter((r) => r.headers['webhook-id'] === sd.id).map((r) => r.at);
      expect(times).toHaveLength(2);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2000);
    } finally {
      await rx.close();
    }
  });

  it('an attempt whose delivery a newer attempt took over records its outcome but does not move the delivery', async () => {
    // The receiver holds the first request until the test lets it go.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const rx = await startReceiver(async () => {
      await held;
      return { status: 200 };
    });
    try {
      const e = await register(`${rx.url}/held`);
      const id = (await sendWebhook(e.id)).body.data.id as string;
      await env.eventually(
        async () => rx.requests.some((r) => r.headers['webhook-id'] === id),
        10_000,
        'the receiver to hold the first attempt',
      );
      // As if the lease ran out and a second attempt took the delivery (and holds it for an hour).
      await env.systemQuery(`UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [
        id,
      ]);
      release();
      const d = await env.eventually(
        async () => {
          const r = await env.http.get(`/notify/v1/deliveries/${id}`, { token: a.admin });
          return r.body.data.providerAttempts.length === 1 && r.body.data;
        },
        10_000,
        'the first attempt to be recorded',
      );
      expect(d.providerAttempts[0]).toMatchObject({ attempt: 1, outcome: 'sent' });
      expect(d.status).toBe('sending');
      expect(d.attempts).toBe(2);
      expect(d.events.map((x: { type: string }) => x.type)).not.toContain('sent');
    } finally {
      release();
      await rx.close();
    }
  });

  it('SSRF guard by default: loopback endpoints are refused at registration and at send, and the receiver sees nothing', async () => {
    const guarded = await NotifyTestEnv.start({ WEBHOOK_ALLOW_PRIVATE: 'false' });
    const rx = await startReceiver(() => ({ status: 200 }));
    try {
      const t = guarded.tenant();
      for (const url of [`${rx.url}/x`, `http://localhost:${rx.port}/x`, `http://[::ffff:127.0.0.1]:${rx.port}/x`]) {
        const res = await guarded.http.post('/notify/v1/webhook-endpoints', { url }, { token: t.admin });
        expect(res.status).toBe(422);
        expect(res.body.error.details[0].field).toBe('url');
      }
      // At send time too (DNS may have changed since registration): the provider refuses before connecting.
      const provider = new WebhookProvider({ timeoutMs: 2000, allowPrivate: false });
      const msg = {
        deliveryId: 'd1',
        tenantId: t.tenantId,
        channel: 'webhook' as const,
        attempt: 1,
        address: '',
        recipient: {},
        content: { body: 'x' },
        data: null,
        category: null,
        createdAt: new Date(),
      };
      const secrets = [`whsec_${Buffer.alloc(32, 2).toString('base64')}`];
      for (const url of [`${rx.url}/x`, `http://localhost:${rx.port}/x`]) {
        const out = await provider.send(msg, { endpointId: 'e', url, secrets });
        expect(out).toMatchObject({ kind: 'permanent', code: 'SSRF_BLOCKED' });
      }
      expect(rx.requests).toHaveLength(0);
      const allowed = await new WebhookProvider({ timeoutMs: 2000, allowPrivate: true }).send(msg, {
        endpointId: 'e',
        url: `${rx.url}/x`,
        secrets,
      });
      expect(allowed.kind).toBe('sent');
      expect(rx.requests).toHaveLength(1);
    } finally {
      await rx.close();
      await guarded.close();
    }
  });
});

describe('a worker process killed with SIGKILL in the middle of 1,000 webhook deliveries', () => {
  let env: NotifyTestEnv;
  let a: TestTenant;

  beforeAll(async () => {
    env = await NotifyTestEnv.start({
      WORKERS_ENABLED: 'false',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      QUOTA_DAILY_FREE: '100000',
      RATE_LIMIT_FREE: '100000/1m',
    });
    a = env.tenant();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('after a restart every delivery reaches a final state, none is lost, and the deduplicating receiver saw each exactly once', async () => {
    const seen = new Map<string, number>();
    const rx = await startReceiver((req) => {
      const id = String(req.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return { status: 200 };
    });
    const workerEnv = { WEBHOOK_ALLOW_PRIVATE: 'true', WORKER_HEARTBEAT_TIMEOUT: '3', DELIVERY_SEND_LEASE: '4', WORKER_CONCURRENCY: '8' };
    try {
      const e = await env.http.post('/notify/v1/webhook-endpoints', { url: `${rx.url}/kill` }, { token: a.admin });
      const ids: string[] = [];
      const recipients = Array.from({ length: 1000 }, () => ({ to: { endpointId: e.body.data.id } }));
      const batch = await env.http.post(
        '/notify/v1/deliveries/batch',
        { channel: 'webhook', body: 'k', recipients },
        { token: a.organizer },
      );
      expect(batch.status).toBe(202);
      ids.push(...batch.body.data.deliveries.map((d: { id: string }) => d.id));
      const first = await startWorkerProcess(env, workerEnv);
      await env.eventually(() => Promise.resolve(seen.size >= 200), 30_000, '200 deliveries received');
      await first.kill('SIGKILL');
      const beforeRestart = seen.size;
      expect(beforeRestart).toBeLessThan(1000);
      const second = await startWorkerProcess(env, workerEnv);
      try {
        await env.eventually(
          async () => {
            const [r] = await env.systemQuery<{ n: string }>(
              `SELECT count(*) AS n FROM deliveries WHERE id = ANY($1) AND status IN ('sent', 'failed')`,
              [ids],
            );
            return r!.n === '1000';
          },
          90_000,
          'every delivery final',
        );
      } finally {
        await second.kill('SIGTERM');
      }
      const statuses = await env.systemQuery<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM deliveries WHERE id = ANY($1) GROUP BY status',
        [ids],
      );
      expect(statuses).toEqual([{ status: 'sent', n: '1000' }]);
      // Deduplicating by webhook-id, the receiver has every delivery exactly once.
      expect(new Set(seen.keys())).toEqual(new Set(ids));
      // A resend can only come from the deliveries in flight at the kill (at most the concurrency, a few local-queue jobs).
      const resent = [...seen.values()].filter((n) => n > 1).length;
      expect(resent).toBeLessThanOrEqual(16);
    } finally {
      await rx.close();
    }
  }, 150_000);
});
