import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** The most of a peer's answer we read (then drop): enough for an id or an error, never a memory sink. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export type PeerAnswer =
  { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string } | { ok: false; code: string; error: string };

/**
 * One HTTP request to a push service, bounded in time and answer size, never following redirects.
 * Hand-written over node:http rather than fetch because a `lookup` (the SSRF guard applied at
 * connect time) can only be given to node:http. The webhook and push channels both send through it.
 */
export function peerRequest(
  url: URL,
  opts: { method: string; headers: Record<string, string>; body?: Buffer | string; timeoutMs: number; lookup?: LookupFunction },
): Promise<PeerAnswer> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<PeerAnswer>((resolve) => {
    let settled = false;
    const done = (a: PeerAnswer) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(a);
      }
    };
    const req = lib.request(
      url,
      { method: opts.method, headers: opts.headers, agent: false, ...(opts.lookup ? { lookup: opts.lookup } : {}) },
      (res) => {
        let size = 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(c.subarray(0, MAX_RESPONSE_BYTES - size));
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) res.destroy();
        });
        const finish = () =>
          done({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, code: 'TIMEOUT', error: `no answer within ${opts.timeoutMs} ms` });
    }, opts.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code ?? 'NETWORK', error: err.message }));
    req.end(opts.body);
  });
}
