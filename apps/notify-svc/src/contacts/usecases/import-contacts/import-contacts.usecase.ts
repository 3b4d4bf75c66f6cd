import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { parse, type Parser } from 'csv-parse';
import { AppException, isUuid, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { JobQueue } from '../../../jobs/job-queue.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { actorOf } from '../../../tenancy/visibility.js';
import {
  ATTRIBUTE_KEY,
  checkAttributes,
  checkExternalId,
  isAttributeKey,
  normaliseEmail,
  normaliseLocale,
  normalisePhone,
  normaliseTimezone,
} from '../../contact-fields.js';
import { ContactsRepository, type ContactRow } from '../../contacts.repository.js';
import { restoreCell } from '../../csv-cell.js';
import { IMPORT_ERRORS_KEPT } from '../../entities/contact.entity.js';

export const IMPORT_MAX_ROWS = 100_000;
/** Largest CSV body accepted (the JSON body limit does not apply to text/csv). */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
const CHUNK = 1000;
const FIELDS = ['externalId', 'name', 'email', 'phone', 'locale', 'timezone', 'attributes', 'id'] as const;
type Field = (typeof FIELDS)[number];
const ATTR_PREFIX = 'attr.';

interface ImportRow {
  id: string;
  status: string;
  total_rows: number;
  processed_rows: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  failed_count: number;
  errors: RowError[];
  errors_truncated: boolean;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}
interface RowError {
  row: number;
  field?: string;
  error: string;
}

/** One CSV row, validated: the cells it gives (an empty cell keeps the stored value). */
interface Parsed {
  row: number;
  externalId?: string;
  name?: string;
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
  attributes: Record<string, unknown>;
}

const IMPORT_COLS =
  'id, status, total_rows, processed_rows, created_count, updated_count, unchanged_count, failed_count, errors, errors_truncated, created_at, updated_at, finished_at';

export function toImportView(r: ImportRow) {
  return {
    id: r.id,
    status: r.status,
    totalRows: r.total_rows,
    processedRows: r.processed_rows,
    created: r.created_count,
    updated: r.updated_count,
    unchanged: r.unchanged_count,
    failed: r.failed_count,
    errors: r.errors,
    errorsTruncated: r.errors_truncated,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/**
 * CSV import of contacts. The request checks the header and counts the rows (streamed through
 * csv-parse), then stores the file, the import record and its job in one transaction with the
 * Idempotency-Key record (202). The job (graphile-worker, any worker process) streams the rows
 * again in chunks of 1,000: each chunk's contacts and the import's progress commit together, so
 * a restarted job resumes after the last committed chunk and never applies a row twice.
 *
 * Rows upsert by external id, then by email; an empty cell keeps the stored value; a row whose
 * values equal the stored ones is `unchanged` (a second import of the same file changes nothing).
 * A bad row (a field rule of contact-fields.ts, a key repeated from an earlier row, an email or
 * phone of another contact) is reported with its row number (the header is row 1) and skipped.
 */
@Injectable()
export class ImportContactsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactsRepository,
    private readonly queue: JobQueue,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async accept(p: Principal, csv: unknown) {
    if (typeof csv !== 'string' || !csv.length) {
      throw AppException.validation('Send the CSV as the body (text/csv)', [{ field: 'body', messages: ['a CSV file is required'] }]);
    }
    let columns: string[] | null = null;
    let total = 0;
    try {
      for await (const record of rows(csv)) {
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
    const id = randomUUID();
    const row = await this.uow.tenant(p.tenantId!, async (tx) => {
      const r = (await tx.one<ImportRow>(
        `INSERT INTO contact_imports (id, tenant_id, status, source, columns, total_rows, created_by)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6) RETURNING ${IMPORT_COLS}`,
        [id, tx.tenantId, csv, columns, total, actorOf(p)],
      ))!;
      await this.queue.enqueueContactImport(tx, id);
      return r;
    });
    return toImportView(row);
  }

  async get(p: Principal, id: string) {
    const row = isUuid(id)
      ? await this.uow.tenant(
          p.tenantId!,
          (tx) => tx.one<ImportRow>(`SELECT ${IMPORT_COLS} FROM contact_imports WHERE tenant_id = $1 AND id = $2`, [tx.tenantId, id]),
          { readOnly: true },
        )
      : undefined;
    if (!row) throw AppException.notFound('Import');
    return toImportView(row);
  }

  /** The job: processes the rows after the last committed chunk. */
  async run(tenantId: string, importId: string): Promise<void> {
    const job = await this.uow.tenant(tenantId, (tx) =>
      tx.one<{ status: string; source: string | null; processed_rows: number }>(
        `UPDATE contact_imports SET status = 'running', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
         RETURNING status, source, processed_rows`,
        [tenantId, importId],
      ),
    );
    if (!job?.source) return; // finished, or not ours
    const done = job.processed_rows;
    // Keys seen in earlier rows (a repeated key is a bad row), rebuilt from the skipped rows on a resume.
    const seen = new Map<string, number>();
    let header: string[] | null = null;
    let rowNo = 1;
    let chunk: Parsed[] = [];
    let errors: RowError[] = [];
    const flush = async () => {
      await this.applyChunk(tenantId, importId, chunk, errors);
      chunk = [];
      errors = [];
    };
    for await (const record of rows(job.source)) {
      if (!header) {
        header = record as string[];
        continue;
      }
      rowNo++;
      const parsed = parseRow(header, record as string[], rowNo, this.config.SMS_DEFAULT_REGION);
      const dupe = 'error' in parsed ? null : repeated(seen, parsed);
      if (rowNo - 1 <= done) continue; // committed by an earlier run
      if ('error' in parsed) errors.push(parsed);
      else if (dupe) errors.push({ row: rowNo, field: dupe.field, error: `repeats the ${dupe.field} of row ${dupe.row}` });
      else chunk.push(parsed);
      if (chunk.length + errors.length >= CHUNK) await flush();
    }
    await flush();
    await this.uow.tenant(tenantId, (tx) =>
      tx.exec(
        `UPDATE contact_imports SET status = 'completed', source = NULL, finished_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2`,
        [tenantId, importId],
      ),
    );
  }

  /** One chunk: upserts, per-row errors, and the progress, in one transaction. */
  private async applyChunk(tenantId: string, importId: string, chunk: Parsed[], errors: RowError[]): Promise<void> {
    if (!chunk.length && !errors.length) return;
    const processed = chunk.length + errors.length;
    await this.contacts.tenant(tenantId, async (tx) => {
      const existing = await this.existing(tx, chunk);
      let created = 0;
      let updated = 0;
      let unchanged = 0;
      const inserts: ContactRow[] = [];
      for (const r of chunk) {
        const target = (r.externalId && existing.ext.get(r.externalId)) || (r.email && existing.email.get(r.email)) || undefined;
        const clash =
          r.email && existing.email.get(r.email) && existing.email.get(r.email) !== target
            ? 'email'
            : r.phone && existing.phone.get(r.phone) && existing.phone.get(r.phone) !== target
              ? 'phone'
              : r.externalId && target && target.external_id && target.external_id !== r.externalId
                ? 'externalId'
                : null;
        if (clash) {
          errors.push({ row: r.row, field: clash, error: `this ${clash} belongs to another contact` });
          continue;
        }
        const next = merged(target, r);
        try {
          checkAttributes(next.attributes, 'attributes');
        } catch {
          errors.push({ row: r.row, field: 'attributes', error: 'attributes would exceed 16 KB' });
          continue;
        }
        if (!target) {
          inserts.push(next);
          created++;
        } else if (same(target, next)) unchanged++;
        else {
          await this.contacts.update(tx, target.id, next);
          updated++;
        }
      }
      if (inserts.length) await this.insertMany(tx, inserts);
      errors.sort((a, b) => a.row - b.row);
      await tx.exec(
        `UPDATE contact_imports SET processed_rows = processed_rows + $3, created_count = created_count + $4, updated_count = updated_count + $5,
           unchanged_count = unchanged_count + $6, failed_count = failed_count + $7,
           errors = CASE WHEN jsonb_array_length(errors) >= $8 THEN errors
                         ELSE errors || (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements($9::jsonb) e LIMIT $8 - jsonb_array_length(errors)) s) END,
           errors_truncated = errors_truncated OR jsonb_array_length(errors) + jsonb_array_length($9::jsonb) > $8,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenantId, importId, processed, created, updated, unchanged, errors.length, IMPORT_ERRORS_KEPT, JSON.stringify(errors)],
      );
    });
  }

  private async existing(tx: Tx, chunk: Parsed[]) {
    const exts = chunk.flatMap((r) => (r.externalId ? [r.externalId] : []));
    const emails = chunk.flatMap((r) => (r.email ? [r.email] : []));
    const phones = chunk.flatMap((r) => (r.phone ? [r.phone] : []));
    const found = await tx.rows<ContactRow>(
      `SELECT c.* FROM contacts c WHERE c.tenant_id = $1 AND (c.external_id = ANY($2::text[]) OR c.email = ANY($3::text[]) OR c.phone = ANY($4::text[]))`,
      [tx.tenantId, exts, emails, phones],
    );
    const ext = new Map<string, ContactRow>();
    const email = new Map<string, ContactRow>();
    const phone = new Map<string, ContactRow>();
    for (const c of found) {
      if (c.external_id) ext.set(c.external_id, c);
      if (c.email) email.set(c.email, c);
      if (c.phone) phone.set(c.phone, c);
    }
    return { ext, email, phone };
  }

  private async insertMany(tx: Tx, rows: ContactRow[]): Promise<void> {
    await tx.exec(
      `INSERT INTO contacts (id, tenant_id, external_id, name, email, phone, locale, timezone, attributes, created_by)
       SELECT u.id, $1, u.external_id, u.name, u.email, u.phone, u.locale, u.timezone, u.attributes::jsonb, 'import'
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS u(id, external_id, name, email, phone, locale, timezone, attributes)`,
      [
        tx.tenantId,
        rows.map((r) => r.id),
        rows.map((r) => r.external_id),
        rows.map((r) => r.name),
        rows.map((r) => r.email),
        rows.map((r) => r.phone),
        rows.map((r) => r.locale),
        rows.map((r) => r.timezone),
        rows.map((r) => JSON.stringify(r.attributes)),
      ],
    );
  }
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

function rows(csv: string): Parser {
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

function parseRow(header: string[], cells: string[], row: number, region: string | undefined): Parsed | RowError {
  if (cells.length !== header.length) return { row, error: `has ${cells.length} cells, the header ${header.length}` };
  const out: Parsed = { row, attributes: {} };
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
function repeated(seen: Map<string, number>, r: Parsed): { field: string; row: number } | null {
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

function merged(target: ContactRow | undefined, r: Parsed): ContactRow {
  const base: ContactRow = target ?? {
    id: randomUUID(),
    tenant_id: '',
    external_id: null,
    name: null,
    email: null,
    phone: null,
    device_tokens_enc: null,
    device_token_last4: [],
    locale: null,
    timezone: null,
    attributes: {},
    created_by: null,
    created_at: new Date(),
    updated_at: new Date(),
  };
  return {
    ...base,
    external_id: r.externalId ?? base.external_id,
    name: r.name ?? base.name,
    email: r.email ?? base.email,
    phone: r.phone ?? base.phone,
    locale: r.locale ?? base.locale,
    timezone: r.timezone ?? base.timezone,
    attributes: Object.fromEntries([...Object.entries(base.attributes), ...Object.entries(r.attributes)]),
  };
}

function same(a: ContactRow, b: ContactRow): boolean {
  return (
    a.external_id === b.external_id &&
    a.name === b.name &&
    a.email === b.email &&
    a.phone === b.phone &&
    a.locale === b.locale &&
    a.timezone === b.timezone &&
    stableJson(a.attributes) === stableJson(b.attributes)
  );
}

function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}
