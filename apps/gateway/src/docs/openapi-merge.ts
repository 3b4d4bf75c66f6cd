/** The parts of an OpenAPI 3 document the merge touches; the rest passes through untouched. */
export interface OpenApiDoc {
  openapi: string;
  info: { title: string; description?: string; version: string };
  paths: Record<string, Record<string, { operationId?: string } & Record<string, unknown>>>;
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
  tags?: Array<{ name: string; description?: string }>;
}

export interface ServiceDoc {
  /** Short name, used to keep operation ids (and clashing schema names) apart: `auth`, `notify`. */
  name: string;
  doc: OpenApiDoc;
  /** The path a route has at the gateway, or null when the gateway does not route it. */
  gatewayPath: (path: string) => string | null;
}

/** How the gateway maps a service's paths: its own prefixes unchanged, `/health...` under `/<name>`. */
export function gatewayPaths(name: string, prefixes: string[]): (path: string) => string | null {
  return (path) => {
    if (prefixes.some((p) => path.startsWith(p))) return path;
    if (path === '/health' || path.startsWith('/health/')) return `/${name}${path}`;
    return null;
  };
}

function renameSchema(doc: OpenApiDoc, from: string, to: string): OpenApiDoc {
  const ref = (n: string) => JSON.stringify(`#/components/schemas/${n}`);
  const renamed = JSON.parse(JSON.stringify(doc).split(ref(from)).join(ref(to))) as OpenApiDoc;
  const schemas = renamed.components!.schemas!;
  schemas[to] = schemas[from];
  delete schemas[from];
  return renamed;
}

/**
 * One document for the gateway's Swagger UI: every route both services serve through the gateway,
 * at its gateway path, with one set of security schemes, so a single Authorize covers both.
 * Operation ids get the service's name (both services have e.g. a health controller); a schema name
 * used by both with different content is renamed `<service>_<Name>` in the second document.
 */
export function mergeOpenApi(services: ServiceDoc[], info: OpenApiDoc['info']): OpenApiDoc {
  const merged: OpenApiDoc = { openapi: '3.0.0', info, paths: {}, components: { securitySchemes: {}, schemas: {} }, tags: [] };
  const schemas = merged.components!.schemas!;
  for (const service of services) {
    let doc = service.doc;
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      if (name in schemas && JSON.stringify(schemas[name]) !== JSON.stringify(schema))
        doc = renameSchema(doc, name, `${service.name}_${name}`);
    }
    Object.assign(schemas, doc.components?.schemas ?? {});
    Object.assign(merged.components!.securitySchemes!, doc.components?.securitySchemes ?? {});
    for (const [path, item] of Object.entries(doc.paths)) {
      const at = service.gatewayPath(path);
      if (!at) continue;
      const ops: OpenApiDoc['paths'][string] = {};
      for (const [method, op] of Object.entries(item)) {
        ops[method] = op.operationId ? { ...op, operationId: `${service.name}_${op.operationId}` } : op;
      }
      merged.paths[at] = ops;
    }
    for (const tag of doc.tags ?? []) if (!merged.tags!.some((t) => t.name === tag.name)) merged.tags!.push(tag);
  }
  return merged;
}
