import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { checkAttributes } from '../../contact-fields.js';
import { csvRecords, parseRow, repeated, type ParsedRow, type RowError } from '../../contact-import-csv.js';
import { ContactImportsRepository } from '../../contact-imports.repository.js';
import { ContactsRepository, type ContactRow } from '../../contacts.repository.js';

const CHUNK = 1000;

/**
 * The contact_import job (graphile-worker, any worker process): streams the stored CSV's rows in
 * chunks of 1,000; each chunk's contacts and the import's progress commit together, so a restarted
 * job resumes after the last committed chunk and never applies a row twice.
 *
 * Rows upsert by external id, then by email; an empty cell keeps the stored value; a row whose
 * values equal the stored ones is `unchanged` (a second import of the same file changes nothing).
 * A bad row (a field rule of contact-fields.ts, a key repeated from an earlier row, an email or
 * phone of another contact) is reported with its row number (the header is row 1) and skipped.
 */
@Injectable()
export class RunContactImportUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly contacts: ContactsRepository,
    private readonly imports: ContactImportsRepository,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  /** The job: processes the rows after the last committed chunk. */
  async execute(tenantId: string, importId: string): Promise<void> {
    const job = await this.uow.tenant(tenantId, (tx) => this.imports.start(tx, importId));
    if (!job?.source) return; // finished, or not ours
    const done = job.processed_rows;
    // Keys seen in earlier rows (a repeated key is a bad row), rebuilt from the skipped rows on a resume.
    const seen = new Map<string, number>();
    let header: string[] | null = null;
    let rowNo = 1;
    let chunk: ParsedRow[] = [];
    let errors: RowError[] = [];
    const flush = async () => {
      await this.applyChunk(tenantId, importId, chunk, errors);
      chunk = [];
      errors = [];
    };
    for await (const record of csvRecords(job.source)) {
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
    await this.uow.tenant(tenantId, (tx) => this.imports.complete(tx, importId));
  }

  /** One chunk: upserts, per-row errors, and the progress, in one transaction. */
  private async applyChunk(tenantId: string, importId: string, chunk: ParsedRow[], errors: RowError[]): Promise<void> {
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
      if (inserts.length) await this.contacts.insertImported(tx, inserts);
      errors.sort((a, b) => a.row - b.row);
      await this.imports.recordChunk(tx, importId, { processed, created, updated, unchanged }, errors);
    });
  }

  private async existing(tx: Tx, chunk: ParsedRow[]) {
    const exts = chunk.flatMap((r) => (r.externalId ? [r.externalId] : []));
    const emails = chunk.flatMap((r) => (r.email ? [r.email] : []));
    const phones = chunk.flatMap((r) => (r.phone ? [r.phone] : []));
    const found = await this.contacts.byKeys(tx, { externalIds: exts, emails, phones });
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
}

function merged(target: ContactRow | undefined, r: ParsedRow): ContactRow {
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
