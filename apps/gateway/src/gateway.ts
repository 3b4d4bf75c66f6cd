import proxy from '@fastify/http-proxy';
import type { IncomingHttpHeaders } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from './gateway-config.js';

/**
 * The dev gateway: one origin for apps. Paths are forwarded unchanged (`/auth/v1/...` to auth-svc,
 * `/notify/v1/...` to notify-svc, `/.well-known/...` to auth-svc); `/auth/health[/ready]` and
 * `/notify/health[/ready]` reach each service's own health routes. Production uses docker/nginx.conf,
 * which routes the same way.
 */
export async function buildGateway(
  config: Pick<GatewayConfig, 'AUTH_UPSTREAM_URL' | 'NOTIFY_UPSTREAM_URL'>,
  logger?: Logger,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    trustProxy: 'loopback,uniquelocal',
    bodyLimit: 10 * 1024 * 1024,
  });
  // The services see the client's address (for per-IP limits and audit) through X-Forwarded-For.
  const forwardHeaders = (
    req: { headers: IncomingHttpHeaders; ip: string; protocol: string },
    headers: IncomingHttpHeaders,
  ): IncomingHttpHeaders => {
    const prior = req.headers['x-forwarded-for'];
    return {
      ...headers,
      'x-forwarded-for': prior ? `${String(prior)}, ${req.ip}` : req.ip,
      'x-forwarded-proto': req.protocol,
      'x-forwarded-host': req.headers.host,
    };
  };
  const route = (upstream: string, prefix: string, rewritePrefix: string) =>
    app.register(proxy, { upstream, prefix, rewritePrefix, replyOptions: { rewriteRequestHeaders: forwardHeaders } });

  await route(config.AUTH_UPSTREAM_URL, '/auth/health', '/health');
  await route(config.NOTIFY_UPSTREAM_URL, '/notify/health', '/health');
  await route(config.AUTH_UPSTREAM_URL, '/auth', '/auth');
  await route(config.AUTH_UPSTREAM_URL, '/.well-known', '/.well-known');
  await route(config.NOTIFY_UPSTREAM_URL, '/notify', '/notify');
  app.get('/health', async () => ({ data: { status: 'ok' }, error: null }));
  return app;
}
