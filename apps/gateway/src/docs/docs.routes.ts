import fastifyStatic from '@fastify/static';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { gatewayPaths, mergeOpenApi, type OpenApiDoc, type ServiceDoc } from './openapi-merge.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>API — auth-svc and notify-svc through the gateway</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>
`;

// A file of its own, not an inline script: the Content-Security-Policy allows same-origin scripts only.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  // Each operation's x-roles, x-api-key-scopes and x-api-key-scopes-required (who may call it).
  showExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

async function fetchDoc(upstream: string): Promise<OpenApiDoc> {
  const res = await fetch(new URL('/docs-json', upstream), { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${upstream}/docs-json answered ${res.status}`);
  return (await res.json()) as OpenApiDoc;
}

/** The document of the first instance that answers (instances of one service serve the same one). */
async function fetchFromAny(upstreams: readonly string[]): Promise<OpenApiDoc> {
  let last: unknown = new Error('no upstream');
  for (const u of upstreams) {
    try {
      return await fetchDoc(u);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/**
 * `/docs`: one Swagger UI for both services, calling them through the gateway, so an admin logs in,
 * presses Authorize once and works with every route. The document is assembled on each load from
 * the services' own `/docs-json`, so it always matches what is running; a service that is down is
 * left out and named in the description.
 */
export async function registerDocs(app: FastifyInstance, upstreams: { auth: readonly string[]; notify: readonly string[] }): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')),
    prefix: '/docs/assets/',
    decorateReply: false,
    index: false,
  });
  app.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/docs/swagger-init.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').send(INIT));
  app.get('/docs/openapi.json', async (req, reply) => {
    const sources = [
      { name: 'auth', upstream: upstreams.auth, gatewayPath: gatewayPaths('auth', ['/auth/', '/.well-known/']) },
      { name: 'notify', upstream: upstreams.notify, gatewayPath: gatewayPaths('notify', ['/notify/']) },
    ];
    const loaded = await Promise.allSettled(sources.map((s) => fetchFromAny(s.upstream)));
    const docs: ServiceDoc[] = [];
    const missing: string[] = [];
    loaded.forEach((r, i) => {
      const s = sources[i]!;
      if (r.status === 'fulfilled') docs.push({ name: s.name, doc: r.value, gatewayPath: s.gatewayPath });
      else {
        missing.push(`${s.name}-svc`);
        req.log.warn({ err: r.reason }, 'OpenAPI document unavailable');
      }
    });
    const description =
      'auth-svc and notify-svc through the gateway. Log in with `POST /auth/v1/login`, press **Authorize** and paste the ' +
      '`accessToken` under `bearer` (or an API key under `api-key`): it applies to every route below.' +
      (missing.length ? `\n\n**Not available right now:** ${missing.join(', ')}.` : '');
    return reply.send(mergeOpenApi(docs, { title: 'Identity + notifications platform', description, version: '1.0' }));
  });
}
