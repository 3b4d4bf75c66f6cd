import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/**
 * One request through node:http, for what fetch refuses to send: TRACE, unnormalised `..` paths,
 * `Expect: 100-continue`, chunked bodies of a chosen size.
 */
export function rawRequest(
  baseUrl: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean },
): Promise<RawResult> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request({ host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: opts.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', reject);
    if (opts.body === undefined) return void req.end();
    if (headers.expect === '100-continue') req.on('continue', () => req.end(opts.body));
    else req.end(opts.body);
  });
}

export interface SocketAnswer {
  /** Everything the server wrote before it closed the connection. */
  raw: string;
  status: number;
  headers: Record<string, string>;
  json: any;
  /** Whether the server closed the connection (within the timeout). */
  closed: boolean;
}

/**
 * Writes bytes on a plain TCP socket and reads until the server closes it (or `timeoutMs`): for
 * requests no HTTP client sends (a broken request line, an oversized header block, CONNECT).
 */
export function socketExchange(baseUrl: string, bytes: string | Buffer, timeoutMs = 5000): Promise<SocketAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = split < 0 ? raw : raw.slice(0, split);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let json: unknown;
      try {
        json = JSON.parse(split < 0 ? '' : raw.slice(split + 4));
      } catch {
        json = undefined;
      }
      resolve({ raw, status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, json, closed });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A reset after the answer still counts as an answer; the test looks at what arrived.
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', () => socket.write(bytes));
  });
}
