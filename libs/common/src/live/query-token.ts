import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mergeRouteConfig } from '../http/route-config.js';

export const QUERY_TOKEN = 'queryToken';

/**
 * This route also takes its credential as `?token=` (browsers' EventSource and WebSocket cannot set
 * headers). Nowhere else is a credential read from the query string. Route config, like
 * @RawResponse() (merged, so route flags combine).
 */
export const QueryTokenAllowed = () => mergeRouteConfig({ [QUERY_TOKEN]: true });

/**
 * For routes marked @QueryTokenAllowed(): moves `?token=` into `Authorization: Bearer` before any
 * guard runs (the guards know only headers), and takes it out of the URL, so no log line, error or
 * idempotency hash ever sees it. A request that also has an Authorization header keeps the header.
 */
export function registerQueryToken(fastify: FastifyInstance): void {
  // A hook on the marked routes only (the stream routes), not a check on every request of the app.
  fastify.addHook('onRoute', (route) => {
    if (!(route.config as unknown as Record<string, unknown> | undefined)?.[QUERY_TOKEN]) return;
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [
      (req: FastifyRequest, _reply: unknown, done: () => void) => {
        moveQueryToken(req);
        done();
      },
      ...own,
    ] as typeof route.onRequest;
  });
}

function moveQueryToken(req: FastifyRequest): void {
  const at = req.raw.url?.indexOf('?') ?? -1;
  if (at < 0) return;
  const params = new URLSearchParams(req.raw.url!.slice(at + 1));
  const tokens = params.getAll('token');
  if (tokens.length === 0) return;
  params.delete('token');
  const rest = params.toString();
  req.raw.url = req.raw.url!.slice(0, at) + (rest ? `?${rest}` : '');
  const query = req.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object') delete query.token;
  if (tokens.length === 1 && tokens[0] && !req.headers.authorization) req.raw.headers.authorization = `Bearer ${tokens[0]}`;
}
