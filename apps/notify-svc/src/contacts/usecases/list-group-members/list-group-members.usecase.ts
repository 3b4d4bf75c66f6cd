import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import { toContactView } from '../../dtos/contact.view.js';
import { loadGroup } from '../../group-lookup.js';

/** A group's contacts, paged (a dynamic group: its filter evaluated now). */
@Injectable()
export class ListGroupMembersUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, id: string, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => (await this.contacts.list(tx, { group: await loadGroup(this.contacts, tx, id) }, limit, cursor)).map(toContactView),
      true,
    );
  }
}
