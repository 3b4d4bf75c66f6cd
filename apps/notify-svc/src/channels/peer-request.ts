import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** An idle kept-alive connection is closed after this long (below Node's and most servers' 5 s keep-alive timeout). */
const IDLE_SOCKET_MS = 4_000;
/** Connections to one peer at once, per pool. */
const MAX_SOCKETS = 64;

/**
 * Keep-alive connection pools, one per (protocol, lookup): a connection opened through a lookup
 * (the SSRF guard) is reused only by requests that give that same lookup, so the guard has judged
 * every address a pooled connection goes to. Without pools every send paid a TCP (and TLS)
 * handshake and a guarded DNS lookup; with them a busy receiver or provider gets a few long-lived
 * connections. http.Agent itself is the pool (no library needed: node's own agent takes `lookup`).
 */
const pools = new Map<string, WeakMap<LookupFunction, http.Agent>>();
const unguarded = new Map<string, http.Agent>();
function agentFor(protocol: string, lookup: LookupFunction | undefined): http.Agent {
  const make = () => {
    const o = {
      keepAlive: true,
      maxSockets: MAX_SOCKETS,
      // As many idle connections kept as may be busy: with fewer, every burst above the free count
      // closed its extra connections on release and opened new ones at the next (measured: 449-573
      // connections to one receiver for 3,000 webhooks at worker concurrency 32, with 16 kept).
      // Idle ones still close after IDLE_SOCKET_MS.
      maxFreeSockets: MAX_SOCKETS,
      timeout: IDLE_SOCKET_MS,
      scheduling: 'lifo' as const,
      ...(lookup ? { lookup } : {}),
    };
    return protocol === 'https:' ? new https.Agent(o) : new http.Agent(o);
  };
  if (!lookup) {
    let a = unguarded.get(protocol);
    if (!a) unguarded.set(protocol, (a = make()));
    return a;
  }
  let byLookup = pools.get(protocol);
  if (!byLookup) pools.set(protocol, (byLookup = new WeakMap()));
  let a = byLookup.get(lookup);
  if (!a) byLookup.set(lookup, (a = make()));
  return a;
}

/** The most of a peer's answer we read (then drop): enough for an id or an error, never a memory sink. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export type PeerAnswer =
  { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string } | { ok: false; code: string; error: string };

/**
 * One HTTP request to a push service, bounded in time and answer size, never following redirects.
 * Hand-written over node:http rather than fetch because fetch takes no `lookup` (the SSRF guard
 * applied at connect time). undici's own Agent would take one (`connect.lookup`), but measured no
 * cheaper here (35 against 36-50 µs of client CPU a kept-alive request, warm; docs/benchmarks.md).
 * The webhook and push channels both send through it.
 */
export async function peerRequest(
  url: URL,
  opts: { method: string; headers: Record<string, string>; body?: Buffer | string; timeoutMs: number; lookup?: LookupFunction },
): Promise<PeerAnswer> {
  const started = Date.now();
  const first = await attempt(url, opts);
  // A pooled connection the peer closed while it sat idle fails at once (reset before any answer:
  // the peer had closed it, so the request was not read), and goes again once on a fresh
  // connection: Node's documented pattern for keep-alive agents (`request.reusedSocket`). Every
  // sender here also carries its idempotency key (webhook-id, provider message keys).
  if (!first.ok && first.staleSocket) return attempt(url, { ...opts, timeoutMs: Math.max(1, opts.timeoutMs - (Date.now() - started)) });
  return first;
}

const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function attempt(
  url: URL,
  opts: { method: string; headers: Record<string, string>; body?: Buffer | string; timeoutMs: number; lookup?: LookupFunction },
): Promise<PeerAnswer & { staleSocket?: boolean }> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<PeerAnswer & { staleSocket?: boolean }>((resolve) => {
    let settled = false;
    let answered = false;
    const done = (a: PeerAnswer & { staleSocket?: boolean }) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(a);
      }
    };
    const req = lib.request(
      url,
      {
        method: opts.method,
        headers: opts.headers,
        agent: agentFor(url.protocol, opts.lookup),
        ...(opts.lookup ? { lookup: opts.lookup } : {}),
      },
      (res) => {
        answered = true;
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
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({
        ok: false,
        code: err.code ?? 'NETWORK',
        error: err.message,
        staleSocket: req.reusedSocket && !answered && STALE_SOCKET_CODES.has(err.code ?? ''),
      }),
    );
    req.end(opts.body);
  });
}
