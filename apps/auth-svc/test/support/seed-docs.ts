import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The reference documents beside the repository (`../shared/seeds/`, see shared/notes/design.md). */
export const SEEDS_DIR = path.resolve(import.meta.dirname, '../../../../../shared/seeds');

/**
 * The JSON body a seed document shows, read from the file as it is: the object that opens on
 * `line` (1-based; the first `{` on it, e.g. after `-d '`) up to its closing brace. Throws when the
 * seeds are missing or the line holds no JSON object, so a moved example fails loudly.
 */
export function seedBody(file: string, line: number): Record<string, unknown> {
  const full = path.join(SEEDS_DIR, file);
  const lines = readFileSync(full, 'utf8').split('\n');
  const start = lines[line - 1]?.indexOf('{') ?? -1;
  if (start < 0) throw new Error(`${file}:${line} opens no JSON object`);
  const text = lines
    .slice(line - 1)
    .join('\n')
    .slice(start);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(text.slice(0, i + 1)) as Record<string, unknown>;
  }
  throw new Error(`${file}:${line}: the JSON object does not close`);
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
