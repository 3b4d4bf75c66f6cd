import proxy from '@fastify/http-proxy';
import type { IncomingHttpHeaders } from 'node:http';
import { BalancedPool } from 'undici';
import { Readable, Transform } from 'node:stream';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  AppException,
  clientErrorHandler,
  ErrorCode,
  QUIET_ACCESS_LOG,
  refuseBadRequestLine,
  refuseConnect,
  registerAccessLog,
  requestIdFrom,
  securityHeadersOnce,
  sendError,
  createLogger,
} from '#common';
import { registerDocs } from './docs/docs.routes.js';
import type { GatewayConfig } from './gateway-config.js';

/** Each upstream: one URL, or several instances of the service (a list, or comma-separated). */
export type GatewayOptions = {
  AUTH_UPSTREAM_URL: string | readonly string[];
  NOTIFY_UPSTREAM_URL: string | readonly string[];
} & Partial<Pick<GatewayConfig, 'BODY_LIMIT_BYTES' | 'GATEWAY_UPSTREAM_TIMEOUT'>>;

export function upstreamList(u: string | readonly string[]): string[] {
  return (typeof u === 'string' ? u.split(',') : [...u]).map((s) => s.trim()).filter(Boolean);
}

/** Methods a client may repeat without changing the outcome (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/**
 * Failures where the instance gave no answer: it refused the connection, or the connection broke
 * before a response (an instance killed mid-request). Timeouts are not among them (504).
 */
const NO_ANSWER = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a request may go to another instance after one gave no answer: it is safe to repeat. */
function mayFailOver(method: string, headers: IncomingHttpHeaders): boolean {
  return IDEMPOTENT_METHODS.has(method) || typeof headers['idempotency-key'] === 'string';
}

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
    // Node's own 400/431/408 and CONNECT in the envelope, as on the services (raw-answers.ts).
    clientErrorHandler,
  });
  refuseConnect(app.server, app.log);
  registerAccessLog(app, logger);
  // The same headers as the services', computed once (see securityHeadersOnce) rather than by helmet per request.
  const securityHeaders = securityHeadersOnce();
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => sendError(AppException.notFound('Route'), req, reply));
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(securityHeaders);
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

  // Several instances of a service: undici's BalancedPool spreads requests over them (weighted
  // round-robin; an instance that fails to connect loses weight until it connects again). A request
  // that is safe to repeat (idempotent method, or a POST carrying an Idempotency-Key, which the
  // services answer once) goes to another instance when one gives no answer; anything else gets the
  // 502, since the service may have acted on it. Such a request's body is read into memory first
  // (it is within BODY_LIMIT_BYTES) so that it can be sent again.
  const pools: BalancedPool[] = [];
  // Every option spelled out. Given a plain object for one instance, @fastify/reply-from builds its undici
  // Agent from `{pipelining: 1, connections: 128, tls: {}, ...ours}` with `tls.rejectUnauthorized` set
  // to false, which undici passes on to tls.connect: an https:// upstream's certificate went unchecked.
  // undici applies `connect` after `tls`, so ours turns the check back on. The same options go to the
  // BalancedPool of several instances, so one instance or several behave alike.
  const undiciOptions = {
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    pipelining: 1,
    connections: 128,
    connect: { rejectUnauthorized: true },
  };
  const upstreamOf = (urls: string[]) => {
    if (urls.length === 1) return { upstream: urls[0]!, undici: undiciOptions, attempts: 0 };
    const pool = new BalancedPool(urls, undiciOptions);
    pools.push(pool);
    return { upstream: urls[0]!, undici: pool, attempts: 2 * urls.length };
  };
  app.addHook('onClose', async () => {
    await Promise.all(pools.map((p) => p.destroy()));
  });
  const auth = upstreamList(config.AUTH_UPSTREAM_URL);
  const notify = upstreamList(config.NOTIFY_UPSTREAM_URL);
  const replayable = new WeakMap<object, Buffer>();
  const bufferBody = async (req: FastifyRequest, body: Readable) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > bodyLimit) throw tooLarge();
      chunks.push(chunk);
    }
    replayable.set(req, Buffer.concat(chunks));
  };
  // Only with several instances to fail over to; a callback hook, not an async one, so a request
  // without a body (most) costs no promise here.
  if (auth.length > 1 || notify.length > 1) {
    app.addHook('preHandler', (req, _reply, done) => {
      if (!(req.body instanceof Readable) || !mayFailOver(req.method, req.headers)) return done();
      bufferBody(req, req.body).then(() => done(), done);
    });
  }
  const route = (urls: string[], prefix: string, rewritePrefix: string) => {
    const { upstream, undici, attempts } = upstreamOf(urls);
    return app.register(proxy, {
      upstream,
      prefix,
      rewritePrefix,
      undici,
      disableRequestLogging: true,
      // A buffered body is handed over as it came (reply-from would re-encode a parsed JSON body).
      handler: (req, reply, dest, options) => {
        const body = replayable.get(req);
        return reply.from(
          dest,
          body ? { ...options, body, contentType: req.headers['content-type'] ?? 'application/octet-stream' } : options,
        );
      },
      replyOptions: {
        rewriteRequestHeaders: forwardHeaders,
        onError,
        // One instance: reply-from's own retry rules, as before. Several: only the failover above
        // (a 503 is that instance's answer, passed on).
        ...(attempts > 0 && {
          retryDelay: ({ err, req, attempt }: { err: Error | null; req: { method: string; headers: unknown }; attempt: number }) => {
            const code = (err as { code?: string } | null)?.code;
            if (attempt >= attempts || !code || !NO_ANSWER.has(code)) return null;
            if (!mayFailOver(req.method, req.headers as IncomingHttpHeaders)) return null;
            return 10 * (attempt + 1);
          },
        }),
      },
    });
  };

  await route(auth, '/auth/health', '/health');
  await route(notify, '/notify/health', '/health');
  await route(auth, '/auth', '/auth');
  await route(auth, '/.well-known', '/.well-known');
  await route(notify, '/notify', '/notify');
  await registerDocs(app, { auth, notify });
  app.get('/health', { config: { [QUIET_ACCESS_LOG]: true } }, async () => ({ data: { status: 'ok' }, error: null }));
  return app;
}
