import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import { toGroupView } from '../../dtos/contact.view.js';

/** The tenant's groups, paged. */
@Injectable()
export class ListGroupsUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => (await this.contacts.listGroups(tx, limit, cursor)).map((g) => toGroupView(g)),
      true,
    );
  }
}
