import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isEmail } from 'class-validator';
import { parse, type Parser } from 'csv-parse';
import { AppException } from '#common';
import {
  ATTRIBUTE_KEY,
  checkAttributes,
  checkExternalId,
  isAttributeKey,
  normaliseEmail,
  normaliseLocale,
  normalisePhone,
  normaliseTimezone,
} from './contact-fields.js';
import { restoreCell } from './csv-cell.js';

/** The CSV side of the contacts import: the records, the header rule, one row's cells checked into contact fields. */

export const IMPORT_MAX_ROWS = 100_000;
/** Largest CSV body accepted (the JSON body limit does not apply to text/csv). */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
const FIELDS = ['externalId', 'name', 'email', 'phone', 'locale', 'timezone', 'attributes', 'id'] as const;
type Field = (typeof FIELDS)[number];
const ATTR_PREFIX = 'attr.';

/** A row's problem, reported with its row number (the header is row 1). */
export interface RowError {
  row: number;
  field?: string;
  error: string;
}

/** One CSV row, validated: the cells it gives (an empty cell keeps the stored value). */
export interface ParsedRow {
  row: number;
  externalId?: string;
  name?: string;
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
  attributes: Record<string, unknown>;
}

/** The upload's check: a valid header and at most IMPORT_MAX_ROWS rows (400 naming the problem); answers the columns and the row count. */
export async function checkCsv(csv: unknown): Promise<{ columns: string[]; total: number; csv: string }> {
  if (typeof csv !== 'string' || !csv.length) {
    throw AppException.validation('Send the CSV as the body (text/csv)', [{ field: 'body', messages: ['a CSV file is required'] }]);
  }
  let columns: string[] | null = null;
  let total = 0;
  try {
    for await (const record of csvRecords(csv)) {
      if (!columns) columns = checkHeader(record as string[]);
      else if (++total > IMPORT_MAX_ROWS) {
        throw AppException.validation(`At most ${IMPORT_MAX_ROWS} rows per import`, [
          { field: 'body', messages: [`at most ${IMPORT_MAX_ROWS} rows`] },
        ]);
      }
    }
  } catch (err) {
    if (err instanceof AppException) throw err;
    throw AppException.validation('The body is not valid CSV', [{ field: 'body', messages: [csvMessage(err)] }]);
  }
  if (!columns) throw AppException.validation('The CSV has no header row', [{ field: 'body', messages: ['a header row is required'] }]);
  return { columns, total, csv };
}

/**
 * The CSV fed to csv-parse in 16 KB slices, each after a turn of the event loop: a 32 MB import
 * handed over as one chunk is parsed in one go (seconds during which no other request runs).
 */
const SLICE_CHARS = 16 * 1024;
async function* slices(csv: string): AsyncGenerator<string> {
  for (let i = 0; i < csv.length;) {
    let end = Math.min(i + SLICE_CHARS, csv.length);
    // never split a surrogate pair between two slices
    if (end < csv.length && (csv.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
    if (i) await nextTurn();
    yield csv.slice(i, end);
    i = end;
  }
}

export function csvRecords(csv: string): Parser {
  return Readable.from(slices(csv)).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, max_record_size: 64 * 1024 }),
  );
}

function csvMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.slice(0, 300);
}

function checkHeader(header: string[]): string[] {
  const bad = (message: string) => AppException.validation(`Invalid CSV header: ${message}`, [{ field: 'body', messages: [message] }]);
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw bad(`column "${h.slice(0, 80)}" appears twice`);
    seen.add(h);
    if ((FIELDS as readonly string[]).includes(h)) continue;
    if (h.startsWith(ATTR_PREFIX) && isAttributeKey(h.slice(ATTR_PREFIX.length))) continue;
    throw bad(`unknown column "${h.slice(0, 80)}" (use ${FIELDS.join(', ')} or attr.<key>, key matching ${ATTRIBUTE_KEY.source})`);
  }
  if (!seen.has('externalId') && !seen.has('email')) throw bad('an externalId or email column is required (rows upsert by them)');
  return header;
}

export function parseRow(header: string[], cells: string[], row: number, region: string | undefined): ParsedRow | RowError {
  if (cells.length !== header.length) return { row, error: `has ${cells.length} cells, the header ${header.length}` };
  const out: ParsedRow = { row, attributes: {} };
  for (let i = 0; i < header.length; i++) {
    const col = header[i]!;
    const v = restoreCell(cells[i]!); // the export's CSV-injection quote (csv-cell.ts)
    if (!v) continue;
    try {
      if (col.startsWith(ATTR_PREFIX)) {
        if (v.length > 1024) return { row, field: col, error: 'at most 1024 characters' };
        out.attributes[col.slice(ATTR_PREFIX.length)] = v;
        continue;
      }
      switch (col as Field) {
        case 'externalId':
          out.externalId = checkExternalId(v);
          break;
        case 'name':
          if (v.length > 200) return { row, field: col, error: 'at most 200 characters' };
          out.name = v;
          break;
        case 'email':
          if (v.length > 320 || !isEmail(v)) return { row, field: col, error: 'must be an email address' };
          out.email = normaliseEmail(v);
          break;
        case 'phone':
          out.phone = normalisePhone(v, region);
          break;
        case 'locale':
          out.locale = normaliseLocale(v);
          break;
        case 'timezone':
          out.timezone = normaliseTimezone(v);
          break;
        case 'attributes': {
          // The export's JSON column: merged under any attr.<key> cells of the row.
          let json: unknown;
          try {
            json = JSON.parse(v);
          } catch {
            return { row, field: col, error: 'must be a JSON object' };
          }
          out.attributes = { ...checkAttributes(json, col), ...out.attributes } as Record<string, string>;
          break;
        }
        case 'id':
          break; // the export's column: contacts are matched by externalId, then email
      }
    } catch (err) {
      const details = (err as AppException).details as Array<{ messages: string[] }> | undefined;
      return { row, field: col, error: details?.[0]?.messages[0] ?? 'invalid value' };
    }
  }
  if (!out.externalId && !out.email) return { row, error: 'needs an externalId or an email' };
  return out;
}

/** The first earlier row with the same externalId, email or phone (then this row's keys are remembered). */
export function repeated(seen: Map<string, number>, r: ParsedRow): { field: string; row: number } | null {
  const keys: Array<[string, string | undefined]> = [
    ['externalId', r.externalId],
    ['email', r.email],
    ['phone', r.phone],
  ];
  for (const [field, v] of keys) {
    const earlier = v ? seen.get(`${field}\n${v}`) : undefined;
    if (earlier) return { field, row: earlier };
  }
  for (const [field, v] of keys) if (v) seen.set(`${field}\n${v}`, r.row);
  return null;
}
