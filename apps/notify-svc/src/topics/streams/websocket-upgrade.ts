import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

const UPGRADE = Symbol('websocket-upgrade');
const FORM = 'application/x-www-form-urlencoded';
type UpgradingRequest = IncomingMessage & { [UPGRADE]?: { socket: Duplex; head: Buffer } };

/**
 * WebSocket for Nest routes on Fastify. The protocol is the `ws` library's; what is written here is
 * only the routing: an HTTP upgrade is handed to Fastify's router as an ordinary request (as
 * @fastify/websocket does), so the route's hooks, guards (credentials, rate limits) and errors
 * apply, and the route accepts it with `accept()`. @fastify/websocket itself cannot serve here: it
 * needs a `websocket: true` route option, which Nest's route decorators cannot set, and it closes
 * upgrades on every other route before Nest's handler runs.
 *
 * Also registers the body parser topic publishing needs: `curl -d` sends
 * application/x-www-form-urlencoded, and its body is the raw message text (ContentTypeGuard still
 * refuses it on every route that does not declare it).
 */
@Injectable()
export class TopicsHttpSetup implements OnModuleInit, BeforeApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly open = new Set<WebSocket>();

  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.server) return;
    // Replaces Nest's form parser: no notify-svc route takes forms (ContentTypeGuard refuses them where undeclared).
    if (fastify.hasContentTypeParser(FORM)) fastify.removeContentTypeParser(FORM);
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    fastify.server.on('upgrade', (req: UpgradingRequest, socket: Duplex, head: Buffer) => {
      req[UPGRADE] = { socket, head };
      const res = new ServerResponse(req);
      res.assignSocket(socket as never);
      // A refusal (401, 404, 429…) is an ordinary HTTP answer; then the connection ends.
      res.on('finish', () => {
        if (req[UPGRADE]) socket.destroy();
      });
      socket.on('error', () => socket.destroy());
      fastify.routing(req, res);
    });
  }

  /** Whether this request asks for a WebSocket. */
  isUpgrade(req: FastifyRequest): boolean {
    return Boolean((req.raw as UpgradingRequest)[UPGRADE]);
  }

  /** Completes the handshake (the reply must already be hijacked). */
  accept(req: FastifyRequest): Promise<WebSocket> {
    const raw = req.raw as UpgradingRequest;
    const up = raw[UPGRADE]!;
    delete raw[UPGRADE];
    return new Promise((resolve, reject) => {
      // An invalid handshake is answered (400) and closed by ws without calling back.
      up.socket.once('close', () => reject(new Error('WebSocket handshake failed')));
      this.wss.handleUpgrade(raw, up.socket, up.head, (ws) => {
        this.open.add(ws);
        ws.on('close', () => this.open.delete(ws));
        resolve(ws);
      });
    });
  }

  beforeApplicationShutdown(): void {
    for (const ws of this.open) ws.close(1001, 'server shutting down');
  }
}
