import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerRequest } from './peer-request.js';
import { guardedLookup } from './webhook/ssrf-guard.js';

/** A loopback peer that counts the TCP connections it accepts. */
async function peer(keepAliveTimeout: number) {
  let connections = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m1"}'));
  });
  server.keepAliveTimeout = keepAliveTimeout;
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { server, port, connections: () => connections };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const post = (url: string, lookup = guardedLookup({ allowPrivate: true })) =>
  peerRequest(new URL(url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000, lookup });

describe('peerRequest keep-alive pools', () => {
  it('reuses one connection for sequential sends to a peer that keeps connections alive', async () => {
    const p = await peer(5000);
    servers.push(p.server);
    const lookup = guardedLookup({ allowPrivate: true });
    for (let i = 0; i < 20; i++) expect(await post(`http://localhost:${p.port}/hook`, lookup)).toMatchObject({ ok: true, status: 200 });
    expect(p.connections()).toBe(1);
    p.server.closeAllConnections();
  });

  it('keeps the connections of a burst for the next one (a worker sending 32 at a time reuses them)', async () => {
    const p = await peer(5000);
    servers.push(p.server);
    const lookup = guardedLookup({ allowPrivate: true });
    for (let burst = 0; burst < 3; burst++) {
      const answers = await Promise.all(Array.from({ length: 32 }, () => post(`http://localhost:${p.port}/hook`, lookup)));
      expect(answers.every((a) => a.ok && a.status === 200)).toBe(true);
    }
    // 32 opened by the first burst, none after: a pool that kept fewer idle would open more at each.
    expect(p.connections()).toBe(32);
    p.server.closeAllConnections();
  });

  it('sends again on a fresh connection when a pooled one turns out closed (reset before any answer)', async () => {
    // Each connection serves one request; a second one on it is cut off unanswered, as when the
    // peer closed an idle connection just as it was reused.
    let connections = 0;
    const server = http.createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) return void socket.destroy();
      req.resume();
      req.on('end', () => res.writeHead(200).end('{}'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const lookup = guardedLookup({ allowPrivate: true });
    for (let i = 0; i < 5; i++) expect(await post(`http://localhost:${port}/hook`, lookup)).toMatchObject({ ok: true, status: 200 });
    expect(connections).toBeGreaterThan(1);
  });

  it('still runs the SSRF guard on every new pooled connection', async () => {
    const p = await peer(5000);
    servers.push(p.server);
    const refused = await post(`http://localhost:${p.port}/hook`, guardedLookup({ allowPrivate: false }));
    expect(refused).toMatchObject({ ok: false, code: 'SSRF_BLOCKED' });
    expect(p.connections()).toBe(0);
  });
});
