import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import type { ContactListQuery } from '../../contacts-query.js';
import { ContactsRepository } from '../../contacts.repository.js';
import { toContactView } from '../../dtos/contact.view.js';

/** Lists and searches contacts: text, a group's members, attribute, locale and timezone filters. */
@Injectable()
export class ListContactsUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, q: ContactListQuery) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => {
        const group = q.groupId ? await this.contacts.findGroup(tx, q.groupId) : undefined;
        if (q.groupId && !group) throw AppException.notFound('Group');
        const filter = Object.keys(q.filter).length ? q.filter : undefined;
        return (await this.contacts.list(tx, { q: q.q, filter, group }, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor)).map(toContactView);
      },
      true,
    );
  }
}
