import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import { toGroupView } from '../../dtos/contact.view.js';
import { loadGroup } from '../../group-lookup.js';

/** One group with its current member count (a dynamic group's filter evaluated now). */
@Injectable()
export class GetGroupUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, id: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => {
        const g = await loadGroup(this.contacts, tx, id);
        return toGroupView(g, { memberCount: await this.contacts.count(tx, { group: g }) });
      },
      true,
    );
  }
}
