import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { requestIdFrom } from '../http/request-context.js';
import { PinoNestLogger, sanitizeUrl } from '../logging/logger.js';
import { AllExceptionsFilter } from '../errors/all-exceptions.filter.js';
import { registerEnvelope } from '../envelope/envelope.hook.js';
import { directRoutesOf, registerDirectRoutes, type DirectRoute } from '../http/direct-routes.js';
import { createValidationPipe } from '../validation/validation.js';
import { registerQueryToken } from '../live/query-token.js';

export interface AppOptions {
  logger: Logger;
  bodyLimit: number;
  trustProxy: boolean | string;
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
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: true,
  });
}

/**
 * Everything both services share on top of Nest: envelope, errors, validation, request ids,
 * access logs and Swagger. Used by main.ts and by the e2e tests, so tests run the real thing.
 */
export function configureApp(app: NestFastifyApplication, opts: AppOptions): void {
  const fastify = app.getHttpAdapter().getInstance();
  registerEnvelope(fastify);
  registerQueryToken(fastify);
  const direct = directRoutesOf(app);
  registerDirectRoutes(fastify, direct);
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (opts.logger.isLevelEnabled(level)) {
      const line = {
        reqId: req.id,
        method: req.method,
        url: sanitizeUrl(req.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      req.log[level](line, 'request completed');
    }
    done();
  });
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
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
    swaggerOptions: { persistAuthorization: true },
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
