import { AppException, type FieldError } from '#common';
import { normaliseEmail, normalizePhone } from '../deliveries/policy/addresses.js';

/**
 * The rules for a contact's fields, in one place: the create/update use cases, the CSV import and
 * the dynamic-group filter all go through these. Each returns the stored (normalised) form or
 * throws a 400 naming the field.
 */

export const ATTRIBUTES_MAX_BYTES = 16 * 1024;
export const EXTERNAL_ID_MAX = 255;
export const MAX_DEVICE_TOKENS = 10;
/** An attribute key at any depth; a filter path joins keys with dots, so keys themselves have none. */
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const ATTRIBUTES_MAX_DEPTH = 8;
/** Keys that mean something to JavaScript objects: refused so no code path ever treats them as data. */
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function fieldError(field: string, message: string): AppException {
  return AppException.validation(`Invalid ${field}: ${message}`, [{ field, messages: [message] } satisfies FieldError]);
}

/**
 * A contact's phone in E.164 through the one phone rule of notify-svc (normalizePhone): a national
 * number is read in `defaultRegion` (SMS_DEFAULT_REGION), as on the send path.
 */
export function normalisePhone(value: string, defaultRegion: string | undefined, field = 'phone'): string {
  const r = normalizePhone(value, defaultRegion);
  if (!r.ok) throw fieldError(field, 'must be a valid phone number in international format, e.g. +14155550123');
  return r.e164;
}

export { normaliseEmail };

/**
 * Canonical spellings already computed (Intl.DateTimeFormat costs ~0.1 ms a call, which a 100,000-row
 * import pays per row otherwise). Bounded: cleared when full, as the inputs are client-chosen.
 */
const canonical = { timezone: new Map<string, string | null>(), locale: new Map<string, string | null>() };
function memo(kind: keyof typeof canonical, value: string, compute: (v: string) => string | null): string | null {
  const cache = canonical[kind];
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  if (cache.size >= 5000) cache.clear();
  const result = compute(value);
  cache.set(value, result);
  return result;
}

/** An IANA time zone name, in its canonical spelling ('europe/paris' becomes 'Europe/Paris'). */
export function normaliseTimezone(value: string, field = 'timezone'): string {
  const zone =
    value.length <= 64 && /^[A-Za-z0-9_+\-/]+$/.test(value)
      ? memo('timezone', value, (v) => {
          try {
            return new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
          } catch {
            return null;
          }
        })
      : null;
  if (!zone) throw fieldError(field, 'must be an IANA time zone, e.g. Europe/Paris');
  return zone;
}

/** A BCP 47 language tag, canonicalised ('en-us' becomes 'en-US'). */
export function normaliseLocale(value: string, field = 'locale'): string {
  const tag =
    value.length <= 35
      ? memo('locale', value, (v) => {
          try {
            return Intl.getCanonicalLocales(v)[0] ?? null;
          } catch {
            return null; // RangeError: not a well-formed language tag
          }
        })
      : null;
  if (!tag) throw fieldError(field, 'must be a BCP 47 language tag, e.g. en-US');
  return tag;
}

export function checkExternalId(value: string, field = 'externalId'): string {
  const v = value.trim();
  if (!v || v.length > EXTERNAL_ID_MAX) throw fieldError(field, `must be 1 to ${EXTERNAL_ID_MAX} characters`);
  return v;
}

/** A plain JSON object, keys per ATTRIBUTE_KEY at every depth, at most 16 KB serialised (UTF-8). */
export function checkAttributes(value: unknown, field = 'attributes'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fieldError(field, 'must be a JSON object');
  const bad = badKey(value, field, 0);
  if (bad) throw fieldError(bad.field, bad.message);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > ATTRIBUTES_MAX_BYTES) throw fieldError(field, `must be at most ${ATTRIBUTES_MAX_BYTES} bytes as JSON (got ${bytes})`);
  return value as Record<string, unknown>;
}

function badKey(value: unknown, path: string, depth: number): { field: string; message: string } | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth >= ATTRIBUTES_MAX_DEPTH) return { field: path, message: `must be at most ${ATTRIBUTES_MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const b = badKey(value[i], `${path}.${i}`, depth + 1);
      if (b) return b;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!isAttributeKey(k)) return { field: path, message: `key "${k.slice(0, 64)}" must match ${ATTRIBUTE_KEY.source}` };
    const b = badKey(v, `${path}.${k}`, depth + 1);
    if (b) return b;
  }
  return null;
}

export function isAttributeKey(key: string): boolean {
  return ATTRIBUTE_KEY.test(key) && !HOSTILE_KEYS.has(key);
}

/** A dotted path of attribute keys (`address.city`), as filters name nested attributes. */
export function attributePath(path: string, field: string): string[] {
  const keys = path.split('.');
  if (path.length > 200 || keys.length > ATTRIBUTES_MAX_DEPTH || !keys.every(isAttributeKey)) {
    throw fieldError(
      field,
      `attribute names are keys matching ${ATTRIBUTE_KEY.source} joined by dots (not __proto__, constructor, prototype)`,
    );
  }
  return keys;
}
