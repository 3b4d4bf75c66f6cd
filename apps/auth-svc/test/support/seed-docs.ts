import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The request bodies of the reference products' public docs (the seeds, see the README), copied
 * as written into the repository, one file per product, so the test runs wherever the repository
 * is cloned. Each body names its product, and the seed file and line it was copied from.
 */
export const SEED_FIXTURES_DIR = path.resolve(import.meta.dirname, '../fixtures/seed-requests');

/** One product's fixture file: `requests` keyed by the 1-based line of the seed the body opens on. */
interface SeedFixture {
  product: string;
  seed: string;
  source: string;
  requests: Record<string, { what: string; source: string; body: Record<string, unknown> }>;
}

export type SeedProduct = 'notifer' | 'notifyhub' | 'alertifypro' | 'event-platform';

/**
 * The JSON body the product's docs show at `line` of its seed file (a copy of it; the fixture names
 * the source). Throws when the fixture holds no body for that line, so a mistyped line fails loudly.
 */
export function seedBody(product: SeedProduct, line: number): Record<string, unknown> {
  const fixture = JSON.parse(readFileSync(path.join(SEED_FIXTURES_DIR, `${product}.json`), 'utf8')) as SeedFixture;
  const request = fixture.requests[String(line)];
  if (!request) throw new Error(`${fixture.source}:${line}: no request body copied into the ${product} fixture`);
  return structuredClone(request.body);
}

/**
 * The body with documented placeholders replaced (a real token for "YOUR_REFRESH_TOKEN"); each key
 * must be in the body with the placeholder value given, so nothing else changes unnoticed.
 */
export function withPlaceholders(
  body: Record<string, unknown>,
  replacements: Record<string, { placeholder: unknown; value: unknown }>,
): Record<string, unknown> {
  const out = { ...body };
  for (const [key, { placeholder, value }] of Object.entries(replacements)) {
    if (out[key] !== placeholder)
      throw new Error(`expected ${key}: ${JSON.stringify(placeholder)} in the seed body, got ${JSON.stringify(out[key])}`);
    out[key] = value;
  }
  return out;
}
