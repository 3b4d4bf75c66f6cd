import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metaOf, type EnvelopeRequest } from '../http/request-context.js';
import { Page, type Envelope } from './envelope.js';
import { RAW_RESPONSE } from './raw-response.decorator.js';

/** Marks a body that is already an envelope (errors), so it is not wrapped twice. */
export const ENVELOPED = Symbol('enveloped');

export function wrap(body: unknown, req: EnvelopeRequest): Envelope<unknown> {
  if (body instanceof Page) {
    return {
      data: body.items,
      error: null,
      page: { next_cursor: body.nextCursor, has_more: body.nextCursor !== null, limit: body.limit },
      meta: metaOf(req),
    };
  }
  return { data: body === undefined ? null : body, error: null, meta: metaOf(req) };
}

/**
 * Wraps every JSON body in `{data, error, page?, meta}`. A Fastify preSerialization hook rather
 * than a Nest interceptor: on this machine a single global Nest interceptor (rxjs per request)
 * cost ~40% of a route's throughput, the hook ~5% (docs/benchmarks.md).
 * Strings, buffers and streams (pre-serialised standard bodies) are never touched by Fastify's
 * preSerialization; routes marked @RawResponse() keep their object bodies as they are.
 */
export function registerEnvelope(fastify: FastifyInstance): void {
  fastify.addHook(
    'preSerialization',
    (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
      if (
        (payload as { [ENVELOPED]?: boolean })[ENVELOPED] ||
        (req.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[RAW_RESPONSE] ||
        !(reply.getHeader('content-type') ?? 'application/json').toString().includes('json')
      ) {
        return done(null, payload);
      }
      done(null, wrap(payload, req as unknown as EnvelopeRequest));
    },
  );
}
