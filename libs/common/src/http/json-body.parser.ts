import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception.js';

/** Deepest nesting of arrays and objects a JSON body may have. Real payloads here stay under 10. */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The nesting depth of a JSON text, or -1 as soon as it exceeds `limit`. One pass over the bytes,
 * skipping strings: refusing a deep body this way costs microseconds, while JSON.parse plus
 * class-transformer on 1 MB of `[[[[...` held the event loop for about a second and then overflowed
 * the stack (a 500). Hand-written because no parser on npm bounds depth before building the value.
 */
export function jsonDepthWithin(body: Buffer, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return -1;
      if (depth > max) max = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return max;
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * application/json for both services: UTF-8 only (invalid bytes are refused, not stored as U+FFFD),
 * nesting at most MAX_JSON_DEPTH, then Fastify's own parser (prototype-poisoning checks, empty body).
 */
export function jsonBodyParser(fastify: FastifyInstance): (req: FastifyRequest, body: Buffer, done: Done) => void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (req, body, done) => {
    if (!isUtf8(body)) return done(AppException.badRequest('Request body is not valid UTF-8'));
    if (jsonDepthWithin(body, MAX_JSON_DEPTH) < 0) {
      return done(AppException.badRequest(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    }
    parse(req, body.toString('utf8'), done);
  };
}
