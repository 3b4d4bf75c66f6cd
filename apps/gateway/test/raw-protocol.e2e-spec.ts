import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HttpClient } from '#testing';
import { signup, type SignedUp } from '../../auth-svc/test/support/auth-test-kit.js';
import { startPlatformStack, type PlatformStack } from './support/platform-stack.js';
import { socketExchange, type SocketAnswer } from './support/raw-http.js';

/**
 * Issue 24, minor items: what Node's HTTP parser answers before Fastify sees a request (a broken
 * request line, an oversized header block), CONNECT, and request bodies that are JSON but not an
 * object. Each case on auth-svc and notify-svc directly and through the gateway.
 */
let stack: PlatformStack;
let owner: SignedUp;

beforeAll(async () => {
  stack = await startPlatformStack();
  owner = await signup(stack.direct.auth);
});
afterAll(async () => {
  await stack?.close();
});

const targets: Array<[string, () => string]> = [
  ['auth-svc', () => stack.auth.t.baseUrl],
  ['notify-svc', () => stack.notify.baseUrl],
  ['the gateway', () => stack.gatewayUrl],
];

function expectRawEnvelope(res: SocketAnswer, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['connection']).toBe('close');
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(res.json)));
  expect(res.json).toMatchObject({ data: null, error: { code } });
  expect(typeof res.json.error.message).toBe('string');
  expect(res.json.meta).toEqual({ request_id: expect.any(String), trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), tenant_id: null });
  expect(res.headers['x-request-id']).toBe(res.json.meta.request_id);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.closed).toBe(true);
}

describe.each(targets)('raw protocol errors on %s', (_name, base) => {
  it('a malformed request line → 400 BAD_REQUEST in the envelope, connection closed, nothing echoed', async () => {
    const lines = [
      'G@T / HTTP/1.1', // not a method token
      'GET / HTTP/9.9', // no such version
      'this is not http',
      'GET /\x01<script> HTTP/1.1', // a control character in the target
      'GET /a b HTTP/1.1',
      'GET / HTTP/1.1\r\nNo colon <script>', // a header line without a name
    ];
    for (const line of lines) {
      const res = await socketExchange(base(), `${line}\r\nHost: localhost\r\n\r\n`);
      expectRawEnvelope(res, 400, 'BAD_REQUEST');
      expect(JSON.stringify(res.json)).not.toContain('script');
    }
  });

  it('a header block beyond maxHeaderSize (16 KiB) → 431 HEADERS_TOO_LARGE in the envelope', async () => {
    const big = `GET /auth/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
    expectRawEnvelope(await socketExchange(base(), big), 431, 'HEADERS_TOO_LARGE');
    // Still sending when the server answers: the answer must arrive anyway (no reset before it is read).
    const huge = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(2_000_000)}\r\n\r\n`;
    expectRawEnvelope(await socketExchange(base(), huge), 431, 'HEADERS_TOO_LARGE');
    // Many small headers add up the same way.
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'b'.repeat(60)}\r\n`).join('');
    expectRawEnvelope(await socketExchange(base(), `GET / HTTP/1.1\r\nHost: localhost\r\n${many}\r\n`), 431, 'HEADERS_TOO_LARGE');
  });

  it('CONNECT → 405 METHOD_NOT_ALLOWED with Allow, in the envelope, the request id echoed', async () => {
    const res = await socketExchange(
      base(),
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nX-Request-Id: connect-probe-1\r\n\r\n',
    );
    expectRawEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers['allow']).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(res.json.meta.request_id).toBe('connect-probe-1');
  });

  it('the server still answers normal requests afterwards', async () => {
    const res = await socketExchange(base(), 'GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(404);
  });
});

/** JSON that parses but is not an object: a body DTO can only be given an object. */
const NOT_OBJECTS = ['null', '[]', '[{"name":"Array Name"}]', '42', '"Text Name"', 'true'];

describe.each([
  ['directly', () => ({ auth: stack.auth.t.baseUrl, notify: stack.notify.baseUrl })],
  ['through the gateway', () => ({ auth: stack.gatewayUrl, notify: stack.gatewayUrl })],
])('a JSON body that is not an object %s', (_where, target) => {
  const json = { 'content-type': 'application/json' };
  let auth: HttpClient;
  let notify: HttpClient;
  beforeAll(() => {
    auth = new HttpClient(target().auth);
    notify = new HttpClient(target().notify);
  });

  function expectRefused(res: { status: number; body: any }, what: string) {
    // One line per case, so a failure names the route and the body.
    expect({ what, status: res.status, code: res.body?.error?.code, data: res.body?.data }).toEqual({
      what,
      status: 400,
      code: 'VALIDATION_FAILED',
      data: null,
    });
    expect(res.body.error.details).toEqual([{ field: 'body', messages: ['must be a JSON object'] }]);
    expect(typeof res.body.meta.request_id).toBe('string');
  }

  it('PATCH /auth/v1/me → 400 VALIDATION_FAILED, the profile unchanged', async () => {
    const before = await auth.get('/auth/v1/me', { token: owner.accessToken });
    expect(before.status).toBe(200);
    for (const raw of NOT_OBJECTS) {
      const res = await auth.request('PATCH', '/auth/v1/me', { raw, headers: json, token: owner.accessToken });
      expectRefused(res, `PATCH /auth/v1/me ${raw}`);
    }
    const after = await auth.get('/auth/v1/me', { token: owner.accessToken });
    expect(after.body.data).toEqual(before.body.data);
    // An object still works, and an empty one changes nothing.
    expect((await auth.request('PATCH', '/auth/v1/me', { body: {}, token: owner.accessToken })).status).toBe(200);
  });

  it('other auth-svc routes with a body DTO: POST, PATCH, PUT alike', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['POST', '/auth/v1/api-keys', owner.accessToken],
      ['POST', '/auth/v1/tokens', owner.accessToken],
      ['POST', '/auth/v1/users', owner.accessToken],
      ['PATCH', `/auth/v1/users/${owner.userId}`, owner.accessToken],
      ['POST', '/auth/v1/me/password', owner.accessToken],
      ['POST', '/auth/v1/refresh', undefined],
    ];
    const keys = (await auth.get('/auth/v1/api-keys', { token: owner.accessToken })).body.data.length;
    for (const [method, path, token] of cases) {
      for (const raw of ['null', '[]', '7']) {
        expectRefused(await auth.request(method, path, { raw, headers: json, token }), `${method} ${path} ${raw}`);
      }
    }
    expect((await auth.get('/auth/v1/api-keys', { token: owner.accessToken })).body.data.length).toBe(keys);
  });

  it('notify-svc routes with a body DTO: nothing stored', async () => {
    const cases: Array<[string, string]> = [
      ['POST', '/notify/v1/deliveries'],
      ['POST', '/notify/v1/contacts'],
      ['PUT', '/notify/v1/preferences'],
      ['POST', '/notify/v1/templates'],
      ['POST', '/notify/v1/webhook-endpoints'],
    ];
    for (const [method, path] of cases) {
      for (const raw of NOT_OBJECTS) {
        const res = await notify.request(method, path, {
          raw,
          headers: { ...json, 'idempotency-key': `not-object-${Math.random()}` },
          token: owner.accessToken,
        });
        expectRefused(res, `${method} ${path} ${raw}`);
      }
    }
    const contacts = await notify.get('/notify/v1/contacts', { token: owner.accessToken });
    expect(contacts.body.data).toEqual([]);
    expect((await notify.get('/notify/v1/deliveries', { token: owner.accessToken })).body.data).toEqual([]);
  });
});
