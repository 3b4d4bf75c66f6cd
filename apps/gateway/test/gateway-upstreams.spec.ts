import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { loadGatewayConfig } from '../src/gateway-config.js';
import { buildGateway } from '../src/gateway.js';

interface Upstream {
  server: Server;
  url: string;
  /** Bodies received, in order. */
  bodies: string[];
}

/**
 * A real HTTP instance. `mode` 'ok' echoes the body with its own name; 'drop' reads the request and
 * then destroys the connection without answering (an instance killed mid-request).
 */
function instance(name: string, mode: { current: 'ok' | 'drop' }): Promise<Upstream> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      if (mode.current === 'drop') return req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ instance: name, body, contentType: req.headers['content-type'] ?? null }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise((r) => s.close(r));
  return url;
}

describe('gateway upstream lists', () => {
  const cleanup: Array<() => Promise<unknown> | void> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function gatewayOver(auth: string[], notify: string[]): Promise<string> {
    const gateway: FastifyInstance = await buildGateway({ AUTH_UPSTREAM_URL: auth, NOTIFY_UPSTREAM_URL: notify });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    cleanup.push(() => gateway.close());
    return `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
  }
  async function started(name: string, mode = { current: 'ok' as 'ok' | 'drop' }): Promise<Upstream> {
    const u = await instance(name, mode);
    cleanup.push(() => {
      u.server.closeAllConnections();
      return new Promise((r) => u.server.close(r));
    });
    return u;
  }

  it('reads comma-separated lists and refuses a bad entry by name', () => {
    const c = loadGatewayConfig({ AUTH_UPSTREAM_URL: 'http://a:1, http://b:2', NOTIFY_UPSTREAM_URL: 'http://n:3' });
    expect(c.AUTH_UPSTREAM_URL).toEqual(['http://a:1', 'http://b:2']);
    expect(c.NOTIFY_UPSTREAM_URL).toEqual(['http://n:3']);
    expect(() => loadGatewayConfig({ AUTH_UPSTREAM_URL: 'http://a:1,nope' })).toThrow(/AUTH_UPSTREAM_URL: "nope" must be a valid URL/);
  });

  it('spreads requests over every instance', async () => {
    const a = await started('a');
    const b = await started('b');
    const base = await gatewayOver([a.url, b.url], [a.url]);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${base}/auth/v1/x`);
      expect(res.status).toBe(200);
      seen.add(((await res.json()) as { instance: string }).instance);
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('sends idempotent and Idempotency-Key requests to another instance when one is down, body intact; a plain POST gets 502', async () => {
    const a = await started('a');
    const base = await gatewayOver([await closedPortUrl(), a.url], [a.url]);
    const body = JSON.stringify({ channel: 'email', text: 'héllo' });
    for (let i = 0; i < 6; i++) {
      expect((await fetch(`${base}/auth/v1/x`)).status).toBe(200);
      const keyed = await fetch(`${base}/auth/v1/x`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': `k-${i}` },
        body,
      });
      expect(keyed.status).toBe(200);
      expect(await keyed.json()).toEqual({ instance: 'a', body, contentType: 'application/json; charset=utf-8' });
    }
    const plain = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${base}/auth/v1/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      ),
    );
    // Weighted round-robin still offers the dead instance now and then; a plain POST is not repeated.
    expect(plain.every((r) => r.status === 200 || r.status === 502)).toBe(true);
  });

  it('repeats an Idempotency-Key request whose instance dropped the connection, but not a plain POST', async () => {
    const mode = { current: 'drop' as 'ok' | 'drop' };
    const dropping = await started('dropping', mode);
    const a = await started('a');
    const base = await gatewayOver([dropping.url, a.url], [a.url]);
    const statuses = { keyed: [] as number[], plain: [] as number[] };
    for (let i = 0; i < 4; i++) {
      const keyed = await fetch(`${base}/auth/v1/x`, { method: 'POST', headers: { 'idempotency-key': `d-${i}` }, body: `keyed-${i}` });
      statuses.keyed.push(keyed.status);
      const plain = await fetch(`${base}/auth/v1/x`, { method: 'POST', body: `plain-${i}` });
      statuses.plain.push(plain.status);
    }
    expect(statuses.keyed).toEqual([200, 200, 200, 200]);
    expect(dropping.bodies.some((b) => b.startsWith('keyed-'))).toBe(true);
    // Every plain POST the dropping instance received was answered 502, never sent a second time.
    const droppedPlain = dropping.bodies.filter((b) => b.startsWith('plain-'));
    expect(statuses.plain.filter((s) => s === 502)).toHaveLength(droppedPlain.length);
    expect(a.bodies.filter((b) => droppedPlain.includes(b))).toEqual([]);
    expect(droppedPlain.length + a.bodies.filter((b) => b.startsWith('plain-')).length).toBe(4);
  });
});
