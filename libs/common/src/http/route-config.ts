import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';

/**
 * Adds keys to a route's Fastify route config (what `@RouteConfig()` sets), keeping what other
 * decorators put there. `@RouteConfig()` replaces the whole object, so two of our route flags on one
 * handler (e.g. `@RawResponse()` and `@QuietAccessLog()`) would silently drop one of them.
 */
export function mergeRouteConfig(config: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const prev = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as Record<string, unknown> | undefined) ?? {};
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...prev, ...config }, handler);
    return descriptor;
  };
}

/** Reads one of those flags from a request's route (Fastify route config). */
export function routeFlag(routeConfig: unknown, key: string): boolean {
  return (routeConfig as Record<string, unknown> | undefined)?.[key] === true;
}

export const QUIET_ACCESS_LOG = 'quietAccessLog';

/**
 * Internal polling (revocation feed, JWKS, health probes): the access line of a successful answer is
 * logged at debug, not info, so a terminal is not filled with a line every few seconds. Refusals
 * (4xx) stay at info and failures (5xx) at error, so a misconfigured poller still shows.
 */
export const QuietAccessLog = () => mergeRouteConfig({ [QUIET_ACCESS_LOG]: true });
