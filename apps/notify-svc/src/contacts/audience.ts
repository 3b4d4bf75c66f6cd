import type { AttributeValue, AudienceFilter } from './entities/contact.entity.js';
import { attributePath, fieldError, normaliseLocale, normaliseTimezone } from './contact-fields.js';

/**
 * The audience filter grammar (dynamic groups, the contacts list's attribute/locale/timezone
 * parameters, and campaigns), small and explicit:
 *
 *   { attributes?: { "<key or dotted.path>": value | [values] },
 *     locale?: tag | [tags],          // "fr" also matches "fr-CA" (the language part)
 *     timezone?: zone | [zones] }     // IANA names, exact
 *
 * values are strings, numbers or booleans, compared as text with the stored JSON value
 * (`attributes #>> path`), so `?attribute.age=30` matches the number 30. Conditions are ANDed,
 * the values of one condition ORed. `{}` is every contact of the tenant.
 */
export const FILTER_MAX_CONDITIONS = 20;
export const FILTER_MAX_VALUES = 100;
const VALUE_MAX_LENGTH = 256;

/** Validates and normalises a filter from a request body; 400 naming the offending field. */
export function parseAudienceFilter(raw: unknown, field = 'filter', name: FieldNames = bodyNames(field)): AudienceFilter {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fieldError(field, 'must be an object');
  const unknown = Object.keys(raw).filter((k) => !['attributes', 'locale', 'timezone'].includes(k));
  if (unknown.length) throw fieldError(`${field}.${unknown[0]!.slice(0, 64)}`, 'is not a filter condition (attributes, locale, timezone)');
  const r = raw as Record<string, unknown>;
  const out: AudienceFilter = {};
  if (r.attributes !== undefined) {
    const attrs = r.attributes;
    if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) throw fieldError(name('attributes'), 'must be an object');
    const entries = Object.entries(attrs);
    if (entries.length > FILTER_MAX_CONDITIONS) throw fieldError(name('attributes'), `at most ${FILTER_MAX_CONDITIONS} attributes`);
    const parsed: Record<string, AttributeValue | AttributeValue[]> = {};
    for (const [path, value] of entries) {
      const f = name('attributes', path.slice(0, 64));
      attributePath(path, f);
      parsed[path] = Array.isArray(value) ? values(value, f, attributeValue) : attributeValue(value, f);
    }
    out.attributes = parsed;
  }
  if (r.locale !== undefined) out.locale = oneOrMany(r.locale, name('locale'), (v, f) => normaliseLocale(text(v, f), f));
  if (r.timezone !== undefined) out.timezone = oneOrMany(r.timezone, name('timezone'), (v, f) => normaliseTimezone(text(v, f), f));
  return out;
}

/** How error details name a condition: `filter.attributes.plan` in a body, `attribute.plan` in a query. */
export type FieldNames = (condition: 'attributes' | 'locale' | 'timezone', path?: string) => string;
const bodyNames =
  (field: string): FieldNames =>
  (c, path) =>
    path === undefined ? `${field}.${c}` : `${field}.${c}.${path}`;

function attributeValue(v: unknown, field: string): AttributeValue {
  if (typeof v === 'string' && v.length <= VALUE_MAX_LENGTH) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v;
  throw fieldError(field, `must be a string (at most ${VALUE_MAX_LENGTH} characters), a number, a boolean, or a list of them`);
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string') throw fieldError(field, 'must be a string');
  return v;
}

function values<T>(list: unknown[], field: string, one: (v: unknown, f: string) => T): T[] {
  if (!list.length || list.length > FILTER_MAX_VALUES) throw fieldError(field, `must list 1 to ${FILTER_MAX_VALUES} values`);
  return list.map((v, i) => one(v, `${field}.${i}`));
}

function oneOrMany<T>(v: unknown, field: string, one: (v: unknown, f: string) => T): T | T[] {
  return Array.isArray(v) ? values(v, field, one) : one(v, field);
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * The one evaluation of an audience filter: a SQL condition over the contacts table (alias `c`)
 * whose every value is a bound parameter appended to `params` (never concatenated into the text).
 * Used by the contacts list, group member lists, deliveries to a dynamic group, and campaigns.
 */
export function audienceWhere(filter: AudienceFilter, params: unknown[], alias = 'c'): string {
  const bind = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts: string[] = [];
  for (const [path, value] of Object.entries(filter.attributes ?? {})) {
    parts.push(`${alias}.attributes #>> ${bind(path.split('.'))}::text[] = ANY(${bind(asList(value).map(String))}::text[])`);
  }
  if (filter.locale !== undefined) {
    const tags = bind(asList(filter.locale));
    parts.push(`(${alias}.locale = ANY(${tags}::text[]) OR split_part(${alias}.locale, '-', 1) = ANY(${tags}::text[]))`);
  }
  if (filter.timezone !== undefined) parts.push(`${alias}.timezone = ANY(${bind(asList(filter.timezone))}::text[])`);
  return parts.length ? parts.join(' AND ') : 'true';
}
