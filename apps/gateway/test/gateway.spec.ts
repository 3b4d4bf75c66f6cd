import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
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

  it('answers its own liveness and 404 for other paths', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });
});
