import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import type { GroupMembersDto } from '../../dtos/contact.dto.js';
import { changeMembers } from '../../group-lookup.js';

/** Removes contacts from a static group; ids that were no members are reported. */
@Injectable()
export class RemoveGroupMembersUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, id: string, dto: GroupMembersDto) {
    return changeMembers(this.contacts, p, id, dto.contactIds, async (tx, ids) => {
      const removed = new Set(await this.contacts.removeMembers(tx, id, ids));
      return { removed: removed.size, notMembers: ids.filter((c) => !removed.has(c)) };
    });
  }
}
