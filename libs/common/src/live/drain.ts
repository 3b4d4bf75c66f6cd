import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Resolves true once a hijacked response's backlog is written (at once when there is none), false
 * when the response is closed or closes first. A reader that has not caught up within `timeoutMs`
 * is dropped (`drop`, then false): it reconnects and resumes. Shared by every streaming writer
 * that sits on a raw ServerResponse (SSE, NDJSON).
 */
export function awaitDrain(res: ServerResponse, isOpen: () => boolean, drop: () => void, timeoutMs: number): Promise<boolean> {
  if (!isOpen()) return Promise.resolve(false);
  if (!res.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      res.off('drain', onDrain);
      res.off('close', onGone);
      resolve(ok && isOpen());
    };
    const onDrain = () => done(true);
    const onGone = () => done(false);
    const timer = setTimeout(() => {
      drop();
      done(false);
    }, timeoutMs);
    res.on('drain', onDrain);
    res.on('close', onGone);
  });
}

/**
 * Takes a reply over from Fastify and sends a 200 with the streaming headers at once, keeping
 * those already set on the reply (e.g. x-request-id).
 */
export function hijackForStream(reply: FastifyReply, contentType: string, extra: Record<string, string> = {}): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  const inherited = Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | string[]
  >;
  res.writeHead(200, { ...inherited, 'content-type': contentType, 'cache-control': 'no-store', 'x-accel-buffering': 'no', ...extra });
  return res;
}
