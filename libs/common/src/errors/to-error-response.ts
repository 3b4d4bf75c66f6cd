import { HttpException } from '@nestjs/common';
import { AppException, type ErrorBody } from './app.exception.js';
import { ErrorCode, STATUS_TO_CODE } from './error-codes.js';

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  /** True when the error is ours (a bug or an outage), so it deserves an error-level log. */
  internal: boolean;
}

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_BAD_TEXT = '22P02';
const PG_STRING_TOO_LONG = '22001';
const PG_OUT_OF_RANGE = '22003';
const PG_BAD_DATETIME = '22007';
const PG_DATETIME_OVERFLOW = '22008';
/**
 * The database is overloaded or going away, not the request at fault: 503 with Retry-After so the
 * client (and the gateway's failover) tries again. Class 53 (insufficient resources), 57P01-57P03
 * (shutdown, cannot connect now), 57014 (statement timeout), and pg-pool's own errors when no
 * connection frees up in connectionTimeoutMillis or the connection drops.
 */
const PG_UNAVAILABLE = new Set(['53000', '53100', '53200', '53300', '57P01', '57P02', '57P03', '57014', '08000', '08003', '08006']);
const POOL_UNAVAILABLE = /^(timeout exceeded when trying to connect|Connection terminated( unexpectedly| due to connection timeout)?)$/;

const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    message: 'Unsupported content type; send application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: ErrorCode.BAD_REQUEST,
    message: 'Body cannot be empty when content-type is application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: ErrorCode.BAD_REQUEST, message: 'Malformed JSON body' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: ErrorCode.BAD_REQUEST, message: 'Invalid content-length' },
  // Router errors (Fastify's frameworkErrors): their own messages echo the URL.
  FST_ERR_BAD_URL: { status: 400, code: ErrorCode.BAD_REQUEST, message: 'Malformed URL (bad percent-encoding)' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: ErrorCode.URI_TOO_LONG, message: 'A path segment is too long' },
  FST_ERR_INVALID_URL: { status: 400, code: ErrorCode.BAD_REQUEST, message: 'Malformed URL' },
};

/** Nest's unmatched-route exception says "Cannot GET <url>": the URL is the client's, never echoed. */
const ROUTE_NOT_FOUND = 'Route not found';

function httpMessage(response: unknown, fallback: string): string {
  if (typeof response === 'string') return response;
  if (response && typeof response === 'object' && 'message' in response) {
    const m = (response as { message: unknown }).message;
    if (typeof m === 'string') return m;
    if (Array.isArray(m)) return m.join('; ');
  }
  return fallback;
}

/**
 * Maps any thrown value to a status, a stable code and a message that is safe to show.
 * Used by the Nest exception filter and by Fastify's own error handler (body parsing
 * happens before Nest sees the request), so both answer with the same envelope.
 */
export function toErrorResponse(err: unknown): MappedError {
  if (err instanceof AppException) {
    return {
      status: err.getStatus(),
      body: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) },
      headers: err.headers,
      internal: err.getStatus() >= 500,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = STATUS_TO_CODE[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST);
    const message =
      status >= 500 ? 'Internal server error' : status === 404 ? ROUTE_NOT_FOUND : httpMessage(err.getResponse(), err.message);
    return { status, body: { code, message }, internal: status >= 500 };
  }
  const e = err as {
    code?: string;
    statusCode?: number;
    name?: string;
    driverError?: { code?: string; detail?: string };
    message?: string;
  };
  if (e && typeof e === 'object') {
    if (typeof e.code === 'string' && FASTIFY_CODES[e.code]) {
      const f = FASTIFY_CODES[e.code]!;
      return { status: f.status, body: { code: f.code, message: f.message }, internal: false };
    }
    // The SQLSTATE: TypeORM wraps it in driverError, pg's own errors carry it as code.
    const pg = e.driverError?.code ?? e.code;
    if (e.name === 'QueryFailedError' || e.driverError) {
      if (pg === PG_UNIQUE_VIOLATION) {
        return {
          status: 409,
          body: { code: ErrorCode.CONFLICT, message: 'A resource with the same unique value already exists' },
          internal: false,
        };
      }
      if (pg === PG_FOREIGN_KEY_VIOLATION) {
        return {
          status: 409,
          body: { code: ErrorCode.CONFLICT, message: 'A referenced resource does not exist or is still in use' },
          internal: false,
        };
      }
      if (
        pg === PG_BAD_TEXT ||
        pg === PG_STRING_TOO_LONG ||
        pg === PG_OUT_OF_RANGE ||
        pg === PG_BAD_DATETIME ||
        pg === PG_DATETIME_OVERFLOW
      ) {
        return {
          status: 400,
          body: { code: ErrorCode.VALIDATION_FAILED, message: 'A value has the wrong format or is out of range' },
          internal: false,
        };
      }
    }
    if ((typeof pg === 'string' && PG_UNAVAILABLE.has(pg)) || POOL_UNAVAILABLE.test(e.message ?? '')) {
      return {
        status: 503,
        body: { code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The service is busy; try again shortly' },
        headers: { 'retry-after': '1' },
        internal: true,
      };
    }
    if (e.name === 'EntityNotFoundError') {
      return { status: 404, body: { code: ErrorCode.NOT_FOUND, message: 'Resource not found' }, internal: false };
    }
    // Fastify and its plugins mark client errors with a 4xx statusCode (e.g. JSON SyntaxError).
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      const code = STATUS_TO_CODE[e.statusCode] ?? ErrorCode.BAD_REQUEST;
      const message = e.name === 'SyntaxError' ? 'Malformed JSON body' : (e.message ?? 'Bad request');
      return { status: e.statusCode, body: { code, message }, internal: false };
    }
  }
  return { status: 500, body: { code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error' }, internal: true };
}
