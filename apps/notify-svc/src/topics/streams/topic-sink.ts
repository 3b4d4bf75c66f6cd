import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { awaitDrain, hijackForStream, sanitizeUrl, type SseStream } from '#common';

/**
 * Where one subscription's events go: an SSE stream, a newline-delimited JSON response, or a
 * WebSocket. Each drops its client once the unsent backlog passes TOPIC_SUBSCRIBER_MAX_BACKLOG
 * (the server never buffers without bound); a producer that can wait (a backfill from storage)
 * awaits drained() instead.
 */
export interface TopicSink {
  readonly isOpen: boolean;
  /** Node's buffer is past its high-water mark: a producer that can wait should await drained(). */
  readonly backlogged: boolean;
  /** `id` is the event id (SSE Last-Event-ID); false once the sink is closed or was just dropped. */
  send(event: { id: string; event: string; data: object }): boolean;
  drained(timeoutMs?: number): Promise<boolean>;
  close(): void;
  onClose(cb: () => void): void;
}

export class SseTopicSink implements TopicSink {
  constructor(private readonly stream: SseStream) {}
  get isOpen() {
    return this.stream.isOpen;
  }
  get backlogged() {
    return this.stream.backlogged;
  }
  send(e: { id: string; event: string; data: object }): boolean {
    return this.stream.send(e.id ? e : { event: e.event, data: e.data });
  }
  drained(timeoutMs?: number) {
    return this.stream.drained(timeoutMs);
  }
  close() {
    this.stream.close();
  }
  onClose(cb: () => void) {
    this.stream.onClose(cb);
  }
}

/** Base of the sinks written here (the SSE one reuses the shared SseStream). */
abstract class OwnSink implements TopicSink {
  private done = false;
  private readonly callbacks: Array<() => void> = [];
  constructor(protected readonly maxBacklog: number) {}

  get isOpen() {
    return !this.done;
  }
  abstract get backlogged(): boolean;
  abstract send(e: { id: string; event: string; data: object }): boolean;
  abstract drained(timeoutMs?: number): Promise<boolean>;
  abstract close(): void;

  onClose(cb: () => void) {
    if (this.done) cb();
    else this.callbacks.push(cb);
  }

  protected finished(): void {
    if (this.done) return;
    this.done = true;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

/** `GET …/json`: one JSON object per line (ntfy's JSON stream). */
export class NdjsonTopicSink extends OwnSink {
  private readonly res: ServerResponse;

  constructor(req: FastifyRequest, reply: FastifyReply, maxBacklog: number) {
    super(maxBacklog);
    this.res = hijackForStream(reply, 'application/x-ndjson; charset=utf-8');
    const opened = Date.now();
    this.res.on('close', () => this.finished());
    this.res.on('error', () => this.finished());
    // A hijacked reply skips the access log hook: the line is written when the stream ends.
    this.onClose(() =>
      req.log.info({ reqId: req.id, method: req.method, url: sanitizeUrl(req.url), status: 200, ms: Date.now() - opened }, 'stream closed'),
    );
  }

  get backlogged() {
    return this.isOpen && this.res.writableNeedDrain;
  }

  send(e: { id: string; event: string; data: object }): boolean {
    if (!this.isOpen) return false;
    this.res.write(`${JSON.stringify(e.data)}\n`);
    if (this.res.writableLength > this.maxBacklog) {
      this.res.destroy();
      this.finished();
      return false;
    }
    return true;
  }

  drained(timeoutMs = 30_000): Promise<boolean> {
    return awaitDrain(
      this.res,
      () => this.isOpen,
      () => this.res.destroy(),
      timeoutMs,
    );
  }

  close() {
    if (this.isOpen) this.res.end();
  }
}

/** `GET …/ws`: each event a JSON text frame; frames from the client are ignored. */
export class WebSocketTopicSink extends OwnSink {
  constructor(
    private readonly ws: WebSocket,
    maxBacklog: number,
  ) {
    super(maxBacklog);
    ws.on('close', () => this.finished());
    ws.on('error', () => this.finished());
  }

  get backlogged() {
    return this.isOpen && this.ws.bufferedAmount > 16 * 1024;
  }

  send(e: { id: string; event: string; data: object }): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(e.data));
    if (this.ws.bufferedAmount > this.maxBacklog) {
      this.ws.terminate();
      this.finished();
      return false;
    }
    return true;
  }

  async drained(timeoutMs = 30_000): Promise<boolean> {
    // ws exposes no drain event on the WebSocket: its buffered amount is polled while a backfill waits.
    const until = Date.now() + timeoutMs;
    while (this.isOpen && this.ws.bufferedAmount > 16 * 1024) {
      if (Date.now() > until) {
        this.ws.terminate();
        this.finished();
        return false;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.isOpen;
  }

  close() {
    if (this.isOpen) this.ws.close(1000, 'closed by the server');
  }
}
