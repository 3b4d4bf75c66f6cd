import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { requestIdFrom } from '../http/request-context.js';
import { PinoNestLogger, registerAccessLog } from '../logging/logger.js';
import { AllExceptionsFilter, sendError } from '../errors/all-exceptions.filter.js';
import { ContentTypeGuard } from '../http/content-type.guard.js';
import { corsOptions, refuseBadRequestLine, securityHeadersOnce } from '../http/http-hardening.js';
import { clientErrorHandler, refuseConnect } from '../http/raw-answers.js';
import { jsonBodyParser } from '../http/json-body.parser.js';
import { registerEnvelope } from '../envelope/envelope.hook.js';
import { directRoutesOf, registerDirectRoutes, type DirectRoute } from '../http/direct-routes.js';
import { createValidationPipe } from '../validation/validation.js';
import { registerQueryToken } from '../live/query-token.js';
import { SHUTDOWN_SIGNALS } from './shutdown-signals.js';

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  trustProxy: boolean | string;
  /** CORS_ORIGINS: exact origins, or `*`; empty means no CORS. */
  corsOrigins?: readonly string[];
  swagger?: { title: string; description: string; version?: string };
}

export const SECURITY = { bearer: 'bearer', apiKey: 'api-key', internalKey: 'internal-key' } as const;

export function createFastifyAdapter(opts: AppOptions): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    // No pino child per request (a fifth of a trivial route's throughput here): per-request lines carry reqId themselves.
    childLoggerFactory: (logger: FastifyBaseLogger) => logger,
    genReqId: requestIdFrom,
    requestIdHeader: false,
    bodyLimit: opts.bodyLimit,
    trustProxy: parseTrustProxy(opts.trustProxy),
    // Ids in paths are UUIDs or short keys; a longer segment is 414 URI_TOO_LONG.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Router errors (bad percent-encoding, overlong segment) in the envelope; Fastify's own echo the URL.
    frameworkErrors: (err: Error, req: FastifyRequest, reply: FastifyReply) => sendError(err, req, reply),
    return503OnClosing: true,
    // Node's own 400/431/408 for requests its parser refuses, in the envelope (raw-answers.ts).
    clientErrorHandler,
  });
}

/**
 * Everything both services share on top of Nest: envelope, errors, validation, request ids,
 * access logs and Swagger. Used by main.ts and by the e2e tests, so tests run the real thing.
 */
export function configureApp(app: NestFastifyApplication, opts: AppOptions): void {
  const adapter = app.getHttpAdapter() as FastifyAdapter;
  const fastify = adapter.getInstance();
  // rawBody: Nest keeps the exact bytes as `req.rawBody` (RawBodyRequest, a reference, not a copy)
  // for routes that check a signature over them (provider receipts).
  adapter.useBodyParser('application/json', true, { bodyLimit: opts.bodyLimit }, jsonBodyParser(fastify));
  const cors = corsOptions(opts.corsOrigins ?? []);
  if (cors) app.enableCors(cors);
  registerEnvelope(fastify);
  refuseConnect(fastify.server, fastify.log);
  registerQueryToken(fastify);
  const direct = directRoutesOf(app);
  registerDirectRoutes(fastify, direct);
  // helmet's headers (SECURITY_HEADERS), worked out once at boot instead of by @fastify/helmet per request.
  const securityHeaders = securityHeadersOnce();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', req.id);
    // RFC 6749 §5.1 for token responses, and right for an API's answers in general; JWKS and
    // discovery set their own caching, Swagger UI's assets may be cached.
    if (!req.url.startsWith('/docs')) reply.header('cache-control', 'no-store');
    const refused = refuseBadRequestLine(req, reply);
    if (refused) return sendError(refused, req, reply);
    done();
  });
  registerAccessLog(fastify, opts.logger);
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalGuards(new ContentTypeGuard());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS]);
  if (opts.swagger) setupSwagger(app, opts.swagger, direct);
}

export function setupSwagger(app: INestApplication, s: NonNullable<AppOptions['swagger']>, direct: DirectRoute[] = []): void {
  const config = new DocumentBuilder()
    .setTitle(s.title)
    .setDescription(s.description)
    .setVersion(s.version ?? '1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token or personal access token' },
      SECURITY.bearer,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Tenant API key' }, SECURITY.apiKey)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-internal-api-key', description: 'Internal API key (jobs, service-to-service)' },
      SECURITY.internalKey,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const r of direct) {
    document.paths[r.url] = {
      get: { operationId: `direct_${r.url}`, summary: r.summary, tags: [r.tag], responses: { '200': { description: '' } } },
    };
  }
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // showExtensions: each operation's x-roles, x-api-key-scopes and x-api-key-scopes-required.
    swaggerOptions: { persistAuthorization: true, showExtensions: true },
  });
}

export async function createServiceApp(module: unknown, opts: AppOptions): Promise<NestFastifyApplication> {
  const nestLogger: LoggerService = new PinoNestLogger(opts.logger.child({ context: 'nest' }));
  const app = await NestFactory.create<NestFastifyApplication>(module as never, createFastifyAdapter(opts), {
    logger: nestLogger,
    bufferLogs: false,
    // Errors reach runService (logged, exit 1) instead of Nest aborting the process; directRoutesOf relies on it.
    abortOnError: false,
  });
  configureApp(app, opts);
  return app;
}

/** TRUST_PROXY as Fastify wants it: a boolean, or a proxy-addr list such as `loopback,10.0.0.0/8`. */
export function parseTrustProxy(value: boolean | string): boolean | string {
  if (typeof value !== 'string') return value;
  const s = value.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false' || s === '') return false;
  return value;
}
