import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventSourceMessage } from 'eventsource-parser';
import Fastify, { type FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { SseClient } from '#testing';
import { formatSseEvent, SseStreams, type SseCloseReason, type SseOptions, type SseStream } from './sse.js';

/** A real Fastify on loopback; each route opens a stream with the given options and hands it to the test. */
let app: FastifyInstance;
let base: string;
const streams = new SseStreams();
let onOpen: (s: SseStream) => void = () => undefined;
let options: SseOptions = {};

beforeAll(async () => {
  app = Fastify();
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', 'req-123');
    done();
  });
  app.get('/stream', (req, reply) => {
    onOpen(streams.start(req, reply, options));
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  streams.beforeApplicationShutdown();
  await app.close();
});

/** Reads the test route until `until` holds (or to the end when it never does), then disconnects. */
async function read(headers: Record<string, string> = {}, until: (events: EventSourceMessage[], raw: string) => boolean) {
  const c = await SseClient.open(`${base}/stream`, headers);
  await c.until((e) => until(e, c.raw)).catch(() => undefined);
  await c.close();
  return { res: c.response, events: c.events, raw: c.raw };
}

const closed = () => new Promise<SseCloseReason>((resolve) => (onOpen = (s) => s.onClose(resolve)));

describe('formatSseEvent', () => {
  it('frames id, event and multi-line data, and keeps field values on one line', () => {
    expect(formatSseEvent({ id: 7, event: 'notification', data: 'a\nb\r\nc\rd' })).toBe(
      'id: 7\nevent: notification\ndata: a\ndata: b\ndata: c\ndata: d\n\n',
    );
    expect(formatSseEvent({ id: '1\n2', event: 'x\r\ndata: injected', data: { n: 1 } })).toBe(
      'id: 12\nevent: xdata: injected\ndata: {"n":1}\n\n',
    );
    expect(formatSseEvent({ data: '' })).toBe('data: \n\n');
  });
});

describe('SseStream over HTTP', () => {
  it('sends the SSE headers with the request id, a retry hint, then events a real parser reads back', async () => {
    options = { retryMs: 1500, keepaliveMs: 0 };
    onOpen = (s) => {
      s.send({ id: 1, event: 'notification', data: { title: 'Hi', body: 'line one\nline two' } });
      s.send({ id: 2, event: 'note', data: 'x\ny' });
    };
    const { res, events, raw } = await read({}, (e) => e.length >= 2);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(raw.startsWith('retry: 1500\n\n')).toBe(true);
    expect(events).toEqual([
      { id: '1', event: 'notification', data: JSON.stringify({ title: 'Hi', body: 'line one\nline two' }) },
      { id: '2', event: 'note', data: 'x\ny' },
    ]);
  });

  it('parses Last-Event-ID', async () => {
    options = { keepaliveMs: 0 };
    let seen: string | undefined = 'unset';
    onOpen = (s) => {
      seen = s.lastEventId;
      s.send({ data: 'ok' });
    };
    await read({ 'last-event-id': ' 41 ' }, (e) => e.length >= 1);
    expect(seen).toBe('41');
    await read({}, (e) => e.length >= 1);
    expect(seen).toBeUndefined();
  });

  it('writes keepalive comments at the configured interval', async () => {
    options = { keepaliveMs: 50 };
    onOpen = () => undefined;
    const started = Date.now();
    await read({}, (_e, r) => (r.match(/: keepalive\n\n/g) ?? []).length >= 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('calls the cleanup when the client goes away, and forgets the stream', async () => {
    options = { keepaliveMs: 0 };
    const reason = closed();
    await read({}, (_e, r) => r.includes('retry:'));
    expect(await reason).toBe('client');
    await new Promise((r) => setTimeout(r, 20));
    expect(streams.size).toBe(0);
  });

  it('ends cleanly when the server closes it', async () => {
    options = { keepaliveMs: 0 };
    onOpen = (s) => {
      s.send({ data: 'last' });
      setTimeout(() => s.close(), 20);
    };
    const { events } = await read({}, () => false); // reads to the end
    expect(events).toEqual([{ id: undefined, event: undefined, data: 'last' }]);
  });

  it('drops a reader that does not read once its backlog passes the limit, instead of buffering without bound', async () => {
    const limit = 256 * 1024;
    options = { keepaliveMs: 0, maxBufferedBytes: limit };
    const chunk = 'x'.repeat(16 * 1024);
    let handed = 0;
    const done = new Promise<{ reason: SseCloseReason; handed: number; sendReturned: boolean }>((resolve) => {
      onOpen = (s) => {
        s.onClose((reason) => resolve({ reason, handed, sendReturned: s.isOpen }));
        // One event per turn of the event loop: the kernel's buffers fill first, then Node's, up to the limit.
        const pump = () => {
          if (s.send({ data: chunk })) handed += chunk.length;
          if (s.isOpen) setImmediate(pump);
        };
        pump();
      };
    });
    // A client that sends its request and never reads: the kernel's buffers fill, then Node's.
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause();
    const r = await done;
    socket.destroy();
    expect(r.reason).toBe('overflow');
    expect(r.sendReturned).toBe(false);
    // What the server took on is the socket's kernel buffers plus at most the limit (and one event).
    expect(r.handed).toBeLessThan(64 * 1024 * 1024);
  });

  it('lets a producer that can wait send far more than the limit to a reader that keeps up', async () => {
    options = { keepaliveMs: 0, maxBufferedBytes: 64 * 1024 };
    const chunk = 'y'.repeat(8 * 1024);
    onOpen = (s) => {
      void (async () => {
        for (let i = 0; i < 500; i++) {
          s.send({ id: i, data: chunk });
          if (s.backlogged && !(await s.drained(30_000))) return; // generous: a loaded machine, not the point here
        }
        s.close();
      })();
    };
    const { events } = await read({}, () => false);
    expect(events).toHaveLength(500);
    expect(events[499]!.id).toBe('499');
  });

  it('drops a reader that does not catch up within the drain timeout', async () => {
    options = { keepaliveMs: 0, maxBufferedBytes: 64 * 1024 * 1024 };
    const chunk = 'z'.repeat(64 * 1024);
    const outcome = new Promise<{ drained: boolean; reason: SseCloseReason }>((resolve) => {
      onOpen = (s) => {
        void (async () => {
          while (!s.backlogged) {
            s.send({ data: chunk });
            await new Promise((r) => setImmediate(r));
          }
          const drained = await s.drained(200);
          s.onClose((reason) => resolve({ drained, reason }));
        })();
      };
    });
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    socket.write('GET /stream HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause();
    expect(await outcome).toEqual({ drained: false, reason: 'overflow' });
    socket.destroy();
  });

  it('ends every open stream before shutdown', async () => {
    options = { keepaliveMs: 0 };
    const reason = closed();
    const reading = read({}, () => false);
    await new Promise((r) => setTimeout(r, 50));
    expect(streams.size).toBe(1);
    streams.beforeApplicationShutdown();
    expect(await reason).toBe('server');
    await reading;
  });
});
