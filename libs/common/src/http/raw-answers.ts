import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode } from '../errors/error-codes.js';
import { ALLOWED_METHODS, securityHeadersOnce } from './http-hardening.js';
import { newTraceId, requestIdFrom, traceIdFromTraceparent } from './request-context.js';

/**
 * Answers Node's HTTP server gives before Fastify sees a request: a request line or header block
 * the parser refuses ('clientError') and CONNECT ('connect', which Node closes without a word when
 * nobody listens). Written on the raw socket, in the same envelope as every other error
 * (`{data: null, error: {code, message}, meta}`) and with the same headers, then the connection is
 * closed: after a parse error nothing more on it can be trusted, and a CONNECT socket is no longer
 * HTTP. Registered once for both services (create-app.ts) and the gateway (gateway.ts).
 */

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** Node's own choice of status per parser error (lib/_http_server.js socketOnError), in the envelope. */
function refusalOf(err: { code?: string }): { status: number; code: ErrorCode; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: ErrorCode.HEADERS_TOO_LARGE, message: 'Request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'Chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: ErrorCode.REQUEST_TIMEOUT, message: 'The request took too long to arrive' };
    default:
      // The parser's reason (HPE_INVALID_METHOD...) stays in the log: the message never echoes input.
      return { status: 400, code: ErrorCode.BAD_REQUEST, message: 'Malformed HTTP request' };
  }
}

let securityHeaders: Readonly<Record<string, string>> | undefined;

/** The bytes of one complete HTTP/1.1 error answer that closes the connection. */
export function rawErrorResponse(
  status: number,
  error: { code: ErrorCode; message: string },
  meta: { request_id: string; trace_id: string },
  extraHeaders: Record<string, string> = {},
): string {
  const body = JSON.stringify({ data: null, error, meta: { ...meta, tenant_id: null } });
  securityHeaders ??= securityHeadersOnce();
  const headers: Record<string, string> = {
    ...securityHeaders,
    'cache-control': 'no-store',
    'x-request-id': meta.request_id,
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${head}\r\n${body}`;
}

/**
 * Writes the answer and closes the socket once it is flushed, reading and dropping what the client
 * still sends meanwhile (an oversized header block): a lingering close (RFC 9112 §9.6), since closing
 * with unread input makes the kernel send RST, which can discard the answer at a remote client before
 * it reads it. (On loopback a plain write + destroy delivered a 2 MB case too; a network may not.)
 */
function answerAndClose(socket: Duplex, response: string): void {
  socket.on('error', () => {});
  socket.on('data', () => {});
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 2000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(response);
}

/**
 * Fastify's `clientErrorHandler` option (called with `this` = the Fastify instance): Node's 400/431/408
 * in the envelope. Nothing is written when a response on this connection has already started.
 */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal = refusalOf(err);
  this.log.debug({ code: err.code, status: refusal.status }, 'client error');
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) return void socket.destroy();
  const meta = { request_id: randomUUID(), trace_id: newTraceId() };
  answerAndClose(socket, rawErrorResponse(refusal.status, { code: refusal.code, message: refusal.message }, meta));
}

/** CONNECT (no proxying here): 405 with Allow, in the envelope, instead of a silently closed socket. */
export function refuseConnect(server: Server, log: FastifyBaseLogger): void {
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    log.debug({ method: 'CONNECT' }, 'CONNECT refused');
    const meta = { request_id: requestIdFrom(req), trace_id: traceIdFromTraceparent(req.headers.traceparent) ?? newTraceId() };
    answerAndClose(
      socket,
      rawErrorResponse(405, { code: ErrorCode.METHOD_NOT_ALLOWED, message: 'Method not allowed' }, meta, {
        allow: ALLOWED_METHODS.join(', '),
      }),
    );
  });
}
