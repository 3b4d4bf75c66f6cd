import { describe, expect, it } from '@jest/globals';
import { gatewayPaths, mergeOpenApi, type OpenApiDoc } from '../src/docs/openapi-merge.js';

const doc = (paths: OpenApiDoc['paths'], schemas: Record<string, unknown>): OpenApiDoc => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths,
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
  tags: [{ name: 'health' }],
});

describe('mergeOpenApi', () => {
  const auth = doc(
    {
      '/health': { get: { operationId: 'Health_live' } },
      '/auth/v1/login': { post: { operationId: 'login', requestBody: { $ref: '#/components/schemas/Page' } } },
      '/docs': { get: {} },
    },
    { Page: { type: 'object', properties: { a: {} } }, Same: { type: 'string' } },
  );
  const notify = doc(
    {
      '/health': { get: { operationId: 'Health_live' } },
      '/notify/v1/deliveries': { get: { operationId: 'list', responses: { 200: { $ref: '#/components/schemas/Page' } } } },
      '/metrics': { get: {} },
    },
    { Page: { type: 'object', properties: { b: {} } }, Same: { type: 'string' } },
  );
  const merged = mergeOpenApi(
    [
      { name: 'auth', doc: auth, gatewayPath: gatewayPaths('auth', ['/auth/', '/.well-known/']) },
      { name: 'notify', doc: notify, gatewayPath: gatewayPaths('notify', ['/notify/']) },
    ],
    { title: 'both', version: '1' },
  );

  it('puts every route at its gateway path and drops what the gateway does not route', () => {
    expect(Object.keys(merged.paths).sort()).toEqual(['/auth/health', '/auth/v1/login', '/notify/health', '/notify/v1/deliveries']);
  });

  it('keeps operation ids apart and one set of security schemes', () => {
    expect(merged.paths['/auth/health']!.get!.operationId).toBe('auth_Health_live');
    expect(merged.paths['/notify/health']!.get!.operationId).toBe('notify_Health_live');
    expect(Object.keys(merged.components!.securitySchemes!)).toEqual(['bearer']);
    expect(merged.tags).toEqual([{ name: 'health' }]);
  });

  it('renames a clashing schema of the second service and its references, keeps identical ones once', () => {
    expect(Object.keys(merged.components!.schemas!).sort()).toEqual(['Page', 'Same', 'notify_Page']);
    expect(JSON.stringify(merged.paths['/notify/v1/deliveries'])).toContain('#/components/schemas/notify_Page');
    expect(JSON.stringify(merged.paths['/auth/v1/login'])).toContain('"#/components/schemas/Page"');
  });
});
