import type { ServerResponse } from 'node:http';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeUrl } from '../logging/logger.js';
import { awaitDrain, hijackForStream } from './drain.js';

/**
 * A Server-Sent Events writer for Fastify (reply hijacked, raw socket). Hand-written: the framing
 * is a dozen lines, and what the libraries (better-sse, @fastify/sse) leave out is what matters
 * here: a slow reader is dropped once its unsent backlog passes a limit, instead of the server
 * buffering for it without bound; it reconnects with Last-Event-ID and catches up from storage.
 */

export interface SseEvent {
  /** Becomes the client's Last-Event-ID. */
  id?: string | number | bigint;
  event?: string;
  /** Strings are sent as they are (split into `data:` lines); anything else as JSON. */
  data: unknown;
}

export type SseCloseReason = 'client' | 'server' | 'overflow' | 'error';

export interface SseOptions {
  /** `retry:` hint: how long the client waits before reconnecting (ms). */
  retryMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (ms; 0 = none). */
  keepaliveMs?: number;
  /**
   * Unsent bytes (Node's buffer plus the socket's) above which the client is dropped at once. A
   * producer that can wait (a backfill from storage) awaits drained() instead and never reaches it.
   */
  maxBufferedBytes?: number;
  onClose?: (reason: SseCloseReason) => void;
}

export const SSE_DEFAULTS = { retryMs: 3_000, keepaliveMs: 30_000, maxBufferedBytes: 256 * 1024 } as const;

const LINE_BREAK = /\r\n|\r|\n/;

/** One event in the text/event-stream format; multi-line data becomes several `data:` lines. */
export function formatSseEvent(e: SseEvent): string {
  let out = '';
  if (e.id !== undefined) out += `id: ${oneLine(String(e.id))}\n`;
  if (e.event !== undefined) out += `event: ${oneLine(e.event)}\n`;
  const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data ?? null);
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + '\n';
}

/** The Last-Event-ID a reconnecting EventSource sends, or undefined (absent, empty, or absurdly long). */
export function parseLastEventId(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers['last-event-id'];
  const v = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return v && v.length <= 256 ? v : undefined;
}

// A field value may not break its line (it would start a field the caller did not write); NUL voids an id.
function oneLine(s: string): string {
  return s.replace(/[\r\n\0]/g, '');
}

export class SseStream {
  readonly lastEventId: string | undefined;
  private readonly res: ServerResponse;
  private readonly maxBuffered: number;
  private readonly closeCallbacks: Array<(reason: SseCloseReason) => void> = [];
  private keepalive: NodeJS.Timeout | null = null;
  private reason: SseCloseReason | null = null;

  /** Takes the reply over from Fastify and sends the headers at once (with those already set, e.g. x-request-id). */
  constructor(req: FastifyRequest, reply: FastifyReply, opts: SseOptions = {}) {
    this.lastEventId = parseLastEventId(req.headers);
    this.maxBuffered = opts.maxBufferedBytes ?? SSE_DEFAULTS.maxBufferedBytes;
    if (opts.onClose) this.closeCallbacks.push(opts.onClose);
    this.res = hijackForStream(reply, 'text/event-stream; charset=utf-8', { connection: 'keep-alive' });
    const opened = Date.now();
    this.res.on('close', () => this.finish(this.reason ?? 'client'));
    // A hijacked reply skips Fastify's onResponse, so the access log line is written here, when the stream ends.
    this.onClose((reason) =>
      req.log.info(
        { reqId: req.id, method: req.method, url: sanitizeUrl(req.url), status: 200, ms: Date.now() - opened, reason },
        'stream closed',
      ),
    );
    this.res.on('error', () => this.finish('error'));
    this.write(`retry: ${Math.max(0, Math.round(opts.retryMs ?? SSE_DEFAULTS.retryMs))}\n\n`);
    const every = opts.keepaliveMs ?? SSE_DEFAULTS.keepaliveMs;
    if (every > 0) {
      this.keepalive = setInterval(() => this.comment('keepalive'), every);
      this.keepalive.unref();
    }
  }

  get isOpen(): boolean {
    return this.reason === null;
  }

  /** False when the stream is closed (or was just closed because the client fell too far behind). */
  send(e: SseEvent): boolean {
    return this.write(formatSseEvent(e));
  }

  comment(text = ''): boolean {
    return this.write(`: ${oneLine(text)}\n\n`);
  }

  /** Node's buffer for this client is above its high-water mark: a producer that can wait should await drained(). */
  get backlogged(): boolean {
    return this.isOpen && this.res.writableNeedDrain;
  }

  /**
   * Resolves true once the backlog is written (at once when there is none). A reader that has not
   * caught up within `timeoutMs` is dropped (false): it reconnects and resumes from Last-Event-ID.
   */
  drained(timeoutMs = 30_000): Promise<boolean> {
    return awaitDrain(
      this.res,
      () => this.isOpen,
      () => this.drop(),
      timeoutMs,
    );
  }

  onClose(cb: (reason: SseCloseReason) => void): void {
    if (this.reason) cb(this.reason);
    else this.closeCallbacks.push(cb);
  }

  /** Ends the stream cleanly (the client reconnects after `retry`). */
  close(): void {
    if (this.reason) return;
    this.reason = 'server';
    this.res.end();
  }

  /** Sends a last event, then ends the stream (`revoked`: the credential that opened it stopped working). */
  closeWith(e: SseEvent): void {
    this.send(e);
    this.close();
  }

  private write(chunk: string): boolean {
    if (this.reason) return false;
    this.res.write(chunk);
    if (this.res.writableLength > this.maxBuffered) {
      this.drop();
      return false;
    }
    return true;
  }

  private drop(): void {
    if (this.reason) return;
    this.reason = 'overflow';
    this.res.destroy();
  }

  private finish(reason: SseCloseReason): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    this.reason ??= reason;
    const cbs = this.closeCallbacks.splice(0);
    for (const cb of cbs) cb(this.reason);
  }
}

/**
 * Every open stream of the process: they are ended before the HTTP server closes, which would
 * otherwise wait on them forever (shutdown, or a rolling restart: clients reconnect elsewhere).
 */
@Injectable()
export class SseStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<SseStream>();

  start(req: FastifyRequest, reply: FastifyReply, opts: SseOptions = {}): SseStream {
    const stream = new SseStream(req, reply, opts);
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    return stream;
  }

  get size(): number {
    return this.open.size;
  }

  beforeApplicationShutdown(): void {
    for (const s of [...this.open]) s.close();
  }
}
