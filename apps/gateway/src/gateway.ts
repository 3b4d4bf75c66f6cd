import helmet from '@fastify/helmet';
import proxy from '@fastify/http-proxy';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable, Transform } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  AppException,
  ErrorCode,
  refuseBadRequestLine,
  registerAccessLog,
  requestIdFrom,
  SECURITY_HEADERS,
  sendError,
  createLogger,
} from '#common';
import { registerDocs } from './docs/docs.routes.js';
import type { GatewayConfig } from './gateway-config.js';

export type GatewayOptions = Pick<GatewayConfig, 'AUTH_UPSTREAM_URL' | 'NOTIFY_UPSTREAM_URL'> &
  Partial<Pick<GatewayConfig, 'BODY_LIMIT_BYTES' | 'GATEWAY_UPSTREAM_TIMEOUT'>>;

/** Request headers that describe this hop only. `expect` in particular: undici refuses to send it. */
const HOP_HEADERS = ['expect', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];

const tooLarge = () => new AppException(ErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large', 413);

/** What the gateway answers when the service behind it does not: a stable code, nothing internal. */
export function upstreamFailure(error: { statusCode?: number }): AppException {
  return error.statusCode === 504
    ? new AppException(ErrorCode.GATEWAY_TIMEOUT, 'The service did not answer in time', 504)
    : new AppException(ErrorCode.BAD_GATEWAY, 'The service is unavailable', 502);
}

/**
 * The dev gateway: one origin for apps. Paths are forwarded unchanged (`/auth/v1/...` to auth-svc,
 * `/notify/v1/...` to notify-svc, `/.well-known/...` to auth-svc); `/auth/health[/ready]` and
 * `/notify/health[/ready]` reach each service's own health routes; `/docs` is one Swagger UI for
 * both. Production uses docker/nginx.conf, which routes the same way. Every answer the gateway
 * makes itself (413, 404, 405, 502, 504...) is an envelope like the services' own.
 */
export async function buildGateway(config: GatewayOptions, logger: Logger = createLogger('gateway', 'silent')): Promise<FastifyInstance> {
  const bodyLimit = config.BODY_LIMIT_BYTES ?? 1_048_576;
  const timeoutMs = (config.GATEWAY_UPSTREAM_TIMEOUT ?? 30) * 1000;
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFrom,
    trustProxy: 'loopback,uniquelocal',
    bodyLimit,
    frameworkErrors: (err, req, reply) => sendError(err, req, reply),
  });
  registerAccessLog(app, logger);
  await app.register(helmet, SECURITY_HEADERS);
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => sendError(AppException.notFound('Route'), req, reply));
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    const refused = refuseBadRequestLine(req, reply);
    if (refused) return sendError(refused, req, reply);
    // The body is streamed to the service, not parsed here: refuse an oversized one before reading it
    // (the service's own 413 would arrive while the gateway still sends, and break the connection).
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > bodyLimit) {
      reply.header('connection', 'close');
      return sendError(tooLarge(), req, reply);
    }
    done();
  });
  // A chunked body has no length to check up front: count it while it streams, and stop forwarding
  // at the limit (the failed upstream request then answers 413, see onError).
  const overLimit = new WeakSet<object>();
  app.addHook('preHandler', (req, _reply, done) => {
    const source = req.body;
    if (source instanceof Readable && req.headers['content-length'] === undefined) {
      let seen = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          seen += chunk.length;
          if (seen <= bodyLimit) return cb(null, chunk);
          overLimit.add(req);
          source.unpipe(counted);
          source.resume();
          cb(tooLarge());
        },
      });
      req.body = source.pipe(counted);
    }
    done();
  });

  // The services see the client's address (for per-IP limits and audit) through X-Forwarded-For.
  const forwardHeaders = (
    req: { id: string; headers: IncomingHttpHeaders; ip: string; protocol: string },
    headers: IncomingHttpHeaders,
  ): IncomingHttpHeaders => {
    const prior = req.headers['x-forwarded-for'];
    const out: IncomingHttpHeaders = {
      ...headers,
      'x-request-id': req.id,
      'x-forwarded-for': prior ? `${String(prior)}, ${req.ip}` : req.ip,
      'x-forwarded-proto': req.protocol,
      'x-forwarded-host': req.headers.host,
    };
    for (const h of HOP_HEADERS) delete out[h];
    return out;
  };
  const onError = (reply: { request: unknown }, { error }: { error: Error }) => {
    const req = reply.request as FastifyRequest;
    const answer = overLimit.has(req) ? tooLarge() : upstreamFailure(error as { statusCode?: number });
    if (overLimit.has(req)) (reply as unknown as FastifyReply).header('connection', 'close');
    sendError(answer, req, reply as unknown as FastifyReply);
  };
  const route = (upstream: string, prefix: string, rewritePrefix: string) =>
    app.register(proxy, {
      upstream,
      prefix,
      rewritePrefix,
      undici: { headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      disableRequestLogging: true,
      replyOptions: { rewriteRequestHeaders: forwardHeaders, onError },
    });

  await route(config.AUTH_UPSTREAM_URL, '/auth/health', '/health');
  await route(config.NOTIFY_UPSTREAM_URL, '/notify/health', '/health');
  await route(config.AUTH_UPSTREAM_URL, '/auth', '/auth');
  await route(config.AUTH_UPSTREAM_URL, '/.well-known', '/.well-known');
  await route(config.NOTIFY_UPSTREAM_URL, '/notify', '/notify');
  await registerDocs(app, { auth: config.AUTH_UPSTREAM_URL, notify: config.NOTIFY_UPSTREAM_URL });
  app.get('/health', async () => ({ data: { status: 'ok' }, error: null }));
  return app;
}
