import pg from 'pg';

/** PostgreSQL's type id of `timestamptz`. */
const TIMESTAMPTZ = 1184;
const defaultParser = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number;

/** A row type whose Date columns arrive as the ISO strings `isoTimestamp` gives. */
export type IsoDates<T> = {
  [K in keyof T]: T[K] extends Date
    ? string
    : T[K] extends Date | null
      ? string | null
      : T[K] extends Date | undefined
        ? string | undefined
        : T[K];
};

/**
 * A timestamp as the API writes it: `Date#toISOString`'s form (UTC, milliseconds, `Z`), or null for
 * what has none (PostgreSQL's `infinity`). Accepts what either parser gives (a Date, or the string
 * `isoTimestamp` made), so one view serves rows read both ways.
 */
export function toIsoTimestamp(v: Date | string | number | null | undefined): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof Date && Number.isFinite(v.getTime())) return v.toISOString();
  return null;
}

/**
 * PostgreSQL's text form of a `timestamptz` turned straight into `Date#toISOString`'s form, for rows
 * that go out in an answer. Parsing into a Date (`postgres-date`, ~0.5 µs) and writing it back out in
 * JSON.stringify (`Date#toJSON`, ~0.8 µs) was a sixth of a 20-row page's CPU (docs/benchmarks.md,
 * issue 18). A session in UTC (PostgreSQL's usual setting, and the embedded one's) prints
 * `2026-12-07 05:38:39.123456+00`: the date and time are copied and the fraction cut to
 * milliseconds, as a Date cuts it. Any other form (another time zone, a year beyond 9999, BC,
 * infinity) goes through the Date, so the answer is the same either way.
 */
export function isoTimestamp(text: string): string | null {
  const n = text.length;
  // `YYYY-MM-DD HH:MM:SS+00` (22) or with a fraction of 1 to 6 digits (24-29).
  if (
    (n === 22 || (n >= 24 && n <= 29 && text.charCodeAt(19) === 46)) &&
    text.charCodeAt(10) === 32 &&
    text.charCodeAt(4) === 45 &&
    text.endsWith('+00')
  ) {
    const ms = n === 22 ? '000' : n >= 26 ? text.slice(20, 23) : (text.slice(20, n - 3) + '00').slice(0, 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${ms}Z`;
  }
  return toIsoTimestamp(defaultParser(text));
}

/**
 * Type parsers for a query whose rows go out in an answer (`types` of a pg query): `timestamptz`
 * as `isoTimestamp` strings, everything else as pg parses it by default.
 */
export const ISO_TIMESTAMP_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMPTZ && format !== 'binary'
      ? isoTimestamp
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};
