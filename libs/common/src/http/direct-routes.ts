import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QUIET_ACCESS_LOG } from './route-config.js';

/**
 * A public, static GET answered by Fastify itself, outside Nest's router (no guards, pipes or
 * interceptors). Only for routes that must stay cheap under load and need no credential: liveness
 * and the JWKS. Nest's per-request pipeline alone costs a quarter of a trivial route's throughput
 * here (docs/benchmarks.md). Bodies still pass the envelope hook: objects are enveloped, strings
 * (pre-serialised standard documents) are sent as they are.
 */
export interface DirectRoute {
  url: string;
  summary: string;
  tag: string;
  /** Polled by other services or probes (JWKS, liveness): access lines at debug (see QuietAccessLog). */
  quiet?: boolean;
  handler: (req: FastifyRequest, reply: FastifyReply) => unknown;
}

/** A service provides its direct routes under this token (one array per app, visible from HealthModule). */
export const DIRECT_ROUTES = Symbol('DIRECT_ROUTES');
/** Liveness plus the service's DIRECT_ROUTES; provided by HealthModule, which every service imports. */
export const ALL_DIRECT_ROUTES = Symbol('ALL_DIRECT_ROUTES');

export const livenessRoute: DirectRoute = {
  url: '/health',
  summary: 'Liveness: the process answers',
  tag: 'health',
  quiet: true,
  handler: (_req, reply) => reply.send({ status: 'ok' }),
};

/** The app's direct routes: liveness, plus whatever the service provides (an app without HealthModule: liveness only). */
export function directRoutesOf(app: INestApplication): DirectRoute[] {
  try {
    return app.get<symbol, DirectRoute[]>(ALL_DIRECT_ROUTES, { strict: false });
  } catch {
    return [livenessRoute];
  }
}

export function registerDirectRoutes(fastify: FastifyInstance, routes: DirectRoute[]): void {
  for (const r of routes) fastify.get(r.url, { config: r.quiet ? { [QUIET_ACCESS_LOG]: true } : {} }, r.handler);
}
