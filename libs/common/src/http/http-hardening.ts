import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { AppException } from '../errors/app.exception.js';
import { ErrorCode } from '../errors/error-codes.js';

/**
 * Security headers for a JSON API that also serves Swagger UI at /docs (services and gateway alike).
 * The CSP allows same-origin scripts and styles only (Swagger UI's inline styles and data: icons
 * need 'unsafe-inline' and data:), no framing, no plugins, no form posts elsewhere.
 */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets for SECURITY_HEADERS, computed once by running helmet's own middleware
 * against a recording response. The @fastify/helmet plugin (used before) rebuilds helmet's middleware (CSP directives parsed
 * and dashified again) on every request, through two hooks, one of them async: about a tenth of a
 * health check's CPU here (docs/benchmarks.md). The options do not depend on the request (no CSP
 * nonces), so the answer is the same every time.
 */
export function securityHeadersOnce(options: HelmetOptions = SECURITY_HEADERS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
  });
  return Object.freeze(headers);
}

/** Request headers a browser app may send, and response headers it may read. */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'x-api-key', 'idempotency-key', 'x-request-id', 'traceparent'];
const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'idempotent-replayed', 'location'];

/**
 * CORS from CORS_ORIGINS: exact origins (with credentials), or `*` (any origin, never credentials:
 * a wildcard with cookies or Authorization would let every site act as the user). Empty: no CORS
 * headers at all, so browsers keep the same-origin policy.
 */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions | null {
  if (origins.length === 0) return null;
  const any = origins.includes('*');
  return {
    origin: any ? '*' : [...origins],
    credentials: !any,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
    strictPreflight: true,
  };
}

export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const ALLOW = ALLOWED_METHODS.join(', ');
/** `.` or `..` as a path segment, literally or percent-encoded. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/**
 * Refusals every HTTP entry point makes before routing: methods no route uses (TRACE, PROPFIND...)
 * are 405 with Allow, and dot segments in the path are 400 (a proxy or a client would resolve them
 * differently from the router). Returns the refusal, or null to go on.
 */
export function refuseBadRequestLine(req: FastifyRequest, reply: FastifyReply): AppException | null {
  if (!ALLOWED_METHODS.includes(req.method)) {
    reply.header('allow', ALLOW);
    return new AppException(ErrorCode.METHOD_NOT_ALLOWED, 'Method not allowed', 405);
  }
  const q = req.url.indexOf('?');
  if (DOT_SEGMENT.test(q < 0 ? req.url : req.url.slice(0, q))) {
    return AppException.badRequest('Dot segments (. or ..) are not allowed in paths');
  }
  return null;
}
