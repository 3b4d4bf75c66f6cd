import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accessLogLevel } from '#common';
import { INTERNAL_KEY, signup, startAuth, type AuthTestEnv } from './support/auth-test-kit.js';

/**
 * A terminal running npm start is not filled with internal polling: the revocation feed (polled
 * every 5 s by each resource service), the JWKS and health probes log their successful answers at
 * debug. Refusals and every other route stay at info, failures at error.
 */
interface AccessLine {
  level: string;
  method: string;
  url: string;
  status: number;
}

let env: AuthTestEnv;
const lines: AccessLine[] = [];

beforeAll(async () => {
  const dest = {
    write: (l: string) => {
      const o = JSON.parse(l) as Partial<AccessLine> & { msg?: string };
      if (o.msg === 'request completed') lines.push(o as AccessLine);
    },
  };
  env = await startAuth({}, undefined, { logLevel: 'debug', logDestination: dest });
});
afterAll(async () => {
  await env?.close();
});

/** The access line of one request, found by its unique URL. */
async function levelOf(method: string, url: string, send: () => Promise<{ status: number }>): Promise<[string, number]> {
  const res = await send();
  // The line is written after the answer (onResponse): wait until it is there.
  for (let i = 0; i < 50 && !lines.some((l) => l.url === url && l.method === method); i++) await new Promise((r) => setTimeout(r, 20));
  const line = lines.filter((l) => l.url === url && l.method === method).at(-1);
  expect(line).toBeDefined();
  expect(line!.status).toBe(res.status);
  return [line!.level, res.status];
}

describe('access log levels', () => {
  it('internal polling answered 2xx is logged at debug: revocation feed, JWKS, health', async () => {
    const internal = { headers: { 'x-internal-api-key': INTERNAL_KEY } };
    const feed = await env.http.get('/auth/v1/revocations', internal);
    expect(feed.status).toBe(200);
    const since = `/auth/v1/revocations?since=${encodeURIComponent(feed.body.cursor)}`;
    expect(await levelOf('GET', since, () => env.http.get(since, internal))).toEqual(['debug', 200]);
    expect(await levelOf('GET', '/.well-known/jwks.json', () => env.http.get('/.well-known/jwks.json'))).toEqual(['debug', 200]);
    expect(await levelOf('GET', '/health', () => env.http.get('/health'))).toEqual(['debug', 200]);
    expect(await levelOf('GET', '/health/ready', () => env.http.get('/health/ready'))).toEqual(['debug', 200]);
  });

  it('a refused poll stays at info, so a wrong internal key shows; other routes stay at info', async () => {
    const wrongKey = '/auth/v1/revocations?wrong-key';
    expect(await levelOf('GET', wrongKey, () => env.http.get(wrongKey, { headers: { 'x-internal-api-key': 'nope' } }))).toEqual([
      'info',
      401,
    ]);
    const me = await signup(env.http);
    expect(await levelOf('GET', '/auth/v1/me', () => env.http.get('/auth/v1/me', { token: me.accessToken }))).toEqual(['info', 200]);
    expect(await levelOf('GET', '/.well-known/openid-configuration', () => env.http.get('/.well-known/openid-configuration'))).toEqual([
      'info',
      200,
    ]);
  });

  it('failures are errors, quiet route or not', () => {
    expect(accessLogLevel(503, true)).toBe('error');
    expect(accessLogLevel(500, false)).toBe('error');
    expect(accessLogLevel(304, true)).toBe('debug');
    expect(accessLogLevel(429, true)).toBe('info');
  });
});
