import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from '../src/gateway.js';

interface Seen {
  upstream: string;
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP upstream that records what reached it. */
function recorder(name: string, seen: Seen[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ upstream: name, method: req.method, url: req.url, headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ upstream: name, url: req.url }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

describe('dev gateway', () => {
  const seen: Seen[] = [];
  let auth: { server: Server; url: string };
  let notify: { server: Server; url: string };
  let gateway: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    auth = await recorder('auth', seen);
    notify = await recorder('notify', seen);
    gateway = await buildGateway({ AUTH_UPSTREAM_URL: auth.url, NOTIFY_UPSTREAM_URL: notify.url });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gateway?.close();
    auth?.server.close();
    notify?.server.close();
  });

  it.each([
    ['/auth/v1/login?x=1', 'auth', '/auth/v1/login?x=1'],
    ['/.well-known/jwks.json', 'auth', '/.well-known/jwks.json'],
    ['/.well-known/openid-configuration', 'auth', '/.well-known/openid-configuration'],
    ['/notify/v1/deliveries?limit=20', 'notify', '/notify/v1/deliveries?limit=20'],
    ['/auth/health', 'auth', '/health'],
    ['/auth/health/ready', 'auth', '/health/ready'],
    ['/notify/health', 'notify', '/health'],
    ['/notify/health/ready', 'notify', '/health/ready'],
  ])('GET %s reaches %s as %s', async (path, upstream, expected) => {
    const res = await fetch(base + path);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upstream, url: expected });
  });

  it('forwards method, body, credentials and the client address unchanged', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/notify/v1/deliveries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer abc', 'x-request-id': 'r-1' },
      body: JSON.stringify({ channel: 'email' }),
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ upstream: 'notify', method: 'POST', url: '/notify/v1/deliveries', body: '{"channel":"email"}' });
    expect(seen[0]!.headers.authorization).toBe('Bearer abc');
    expect(seen[0]!.headers['x-request-id']).toBe('r-1');
    expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('answers its own liveness and 404 NOT_FOUND in the envelope for other paths', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const missing = await fetch(`${base}/elsewhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ data: null, error: { code: 'NOT_FOUND', message: 'Route not found' } });
  });

  it('does not forward Expect or hop-by-hop headers, and forwards its request id', async () => {
    seen.length = 0;
    const res = await fetch(`${base}/auth/v1/login`, { method: 'POST', headers: { 'x-request-id': 'gw-7', te: 'trailers' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('gw-7');
    expect(seen[0]!.headers['x-request-id']).toBe('gw-7');
    expect(seen[0]!.headers.te).toBeUndefined();
  });
});

describe('dev gateway when a service fails', () => {
  it('answers 502 BAD_GATEWAY for a service that is down and 504 GATEWAY_TIMEOUT for one that is too slow', async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const down = createServer();
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
    const downUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
    await new Promise((r) => down.close(r));
    const gateway = await buildGateway({
      AUTH_UPSTREAM_URL: downUrl,
      NOTIFY_UPSTREAM_URL: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      GATEWAY_UPSTREAM_TIMEOUT: 1,
    });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
    try {
      const bad = await fetch(`${base}/auth/v1/me`);
      expect(bad.status).toBe(502);
      expect(await bad.json()).toMatchObject({ data: null, error: { code: 'BAD_GATEWAY' } });
      const late = await fetch(`${base}/notify/v1/me`);
      expect(late.status).toBe(504);
      const body = await late.json();
      expect(body).toMatchObject({ data: null, error: { code: 'GATEWAY_TIMEOUT' } });
      expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    } finally {
      await gateway.close();
      slow.closeAllConnections();
      slow.close();
    }
  });
});

describe('dev gateway to an https:// upstream', () => {
  it('checks the certificate: an untrusted one gets 502 and the request never reaches it, one instance or several', async () => {
    // A self-signed certificate for 127.0.0.1 that no trust store holds (test fixture, made with openssl).
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/untrusted-upstream.${name}.pem`, import.meta.url));
    let reached = 0;
    const upstream = createHttpsServer({ key: fixture('key'), cert: fixture('cert') }, (_req, res) => {
      reached++;
      res.setHeader('content-type', 'application/json');
      res.end('{"data":{"spoofed":true},"error":null}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const gateway = await buildGateway({ AUTH_UPSTREAM_URL: url, NOTIFY_UPSTREAM_URL: [url, url] });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/auth/v1/me', '/notify/v1/me']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ data: null, error: { code: 'BAD_GATEWAY' } });
      }
      expect(reached).toBe(0);
    } finally {
      await gateway.close();
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});
