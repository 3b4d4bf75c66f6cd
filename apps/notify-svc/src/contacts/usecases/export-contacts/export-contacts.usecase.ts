import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { neutraliseCell } from '../../csv-cell.js';
import { AppException, type IsoDates, type Principal } from '#common';
import { ContactsRepository, type ContactRow } from '../../contacts.repository.js';
import type { ContactListQuery } from '../../contacts-query.js';

export const EXPORT_COLUMNS = ['id', 'externalId', 'name', 'email', 'phone', 'locale', 'timezone', 'attributes'];
const PAGE = 1000;

/**
 * The tenant's contacts (or those matching the list's filters) as CSV, streamed: pages of 1,000
 * read one transaction each, written through csv-stringify, so memory stays flat however many
 * contacts there are. `attributes` is one JSON column; the import reads the same columns back
 * (`id` is ignored there).
 */
@Injectable()
export class ExportContactsUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, q: ContactListQuery): Promise<Readable> {
    const tenantId = p.tenantId!;
    // The group is checked before the first byte goes out (a 404 is still possible then).
    const group = q.groupId ? await this.contacts.tenant(tenantId, (tx) => this.contacts.findGroup(tx, q.groupId!), true) : undefined;
    if (q.groupId && !group) throw AppException.notFound('Group');
    const query = { q: q.q, filter: Object.keys(q.filter).length ? q.filter : undefined, group };
    const contacts = this.contacts;
    async function* pages(): AsyncGenerator<string[]> {
      let cursor: string | undefined;
      do {
        const page = await contacts.tenant(tenantId, (tx) => contacts.list(tx, query, PAGE, cursor), true);
        for (const c of page.items) yield line(c);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return Readable.from(pages()).pipe(stringify({ header: true, columns: EXPORT_COLUMNS }));
  }
}

function line(c: IsoDates<ContactRow>): string[] {
  return [
    c.id,
    c.external_id ?? '',
    c.name ?? '',
    c.email ?? '',
    c.phone ?? '',
    c.locale ?? '',
    c.timezone ?? '',
    JSON.stringify(c.attributes),
  ].map(neutraliseCell);
}
