import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, startTestApp, type TestApp, type TestDatabase } from '#testing';
import { AppModule } from '../src/app.module.js';
import { loadAuthConfig } from '../src/config/auth-config.js';

describe('platform behaviour (auth-svc)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    t = await startTestApp(AppModule.forRoot(loadAuthConfig({ AUTH_DATABASE_URL: db.url })), { bodyLimit: 2048 });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('answers liveness and readiness in the envelope', async () => {
    const live = await t.http.get('/health');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ data: { status: 'ok' }, error: null });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.data.checks).toEqual({ database: 'ok', migrations: 'ok' });
  });

  it('echoes a sane x-request-id and derives trace_id from traceparent', async () => {
    const res = await t.http.get('/health', {
      headers: { 'x-request-id': 'req-123', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(res.body.meta).toEqual({ request_id: 'req-123', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', tenant_id: null });
  });

  it('replaces an unsafe request id with a generated one', async () => {
    const res = await t.http.get('/health', { headers: { 'x-request-id': 'bad id with spaces <script>' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meta.request_id).toBe(id);
  });

  it('answers an unknown route with 404 NOT_FOUND in the envelope', async () => {
    const res = await t.http.get('/auth/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ data: null, error: { code: 'NOT_FOUND' } });
  });

  it('answers malformed JSON with 400 and an oversized body with 413, never 500', async () => {
    const bad = await t.http.request('POST', '/health', { raw: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_REQUEST');
    const big = await t.http.request('POST', '/health', {
      raw: JSON.stringify({ x: 'y'.repeat(5000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves Swagger UI and the OpenAPI document with all three security schemes', async () => {
    const ui = await t.http.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = await t.http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.components.securitySchemes).sort()).toEqual(['api-key', 'bearer', 'internal-key']);
    expect(doc.body.components.securitySchemes['api-key']).toMatchObject({ in: 'header', name: 'X-API-Key' });
    expect(doc.body.paths['/health'].get.summary).toMatch(/Liveness/);
    expect(doc.body.paths['/health/ready'].get).toBeDefined();
  });
});

describe('bad input never reaches a 500 (auth-svc signup as the probe)', () => {
  let db: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('authbad');
    t = await startTestApp(AppModule.forRoot(loadAuthConfig({ AUTH_DATABASE_URL: db.url, BCRYPT_COST: '4' })));
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it.each([
    ['unknown field', { email: 'a@example.com', password: 'long enough pw', isAdmin: true }, 'isAdmin'],
    ['wrong type', { email: 'a@example.com', password: 12345678 }, 'password'],
    ['missing field', { password: 'long enough pw' }, 'email'],
  ])('%s → 400 VALIDATION_FAILED naming the field', async (_case, body, field) => {
    const res = await t.http.post('/auth/v1/signup', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it.each([
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"hello"'],
    ['a JSON number', '42'],
  ])('%s as the body → 400, not 500', async (_case, raw) => {
    const res = await t.http.request('POST', '/auth/v1/signup', { raw, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(['VALIDATION_FAILED', 'BAD_REQUEST']).toContain(res.body.error.code);
  });

  it('an XML body on a JSON route → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await t.http.request('POST', '/auth/v1/signup', { raw: '<signup/>', headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an empty JSON body → 400', async () => {
    const res = await t.http.request('POST', '/auth/v1/signup', { raw: '', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
  });

  it('nothing was created by any of the refused requests', async () => {
    const login = await t.http.post('/auth/v1/login', { email: 'a@example.com', password: 'long enough pw' });
    expect(login.status).toBe(401);
  });
});
