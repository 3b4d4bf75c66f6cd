import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import type { GroupMembersDto } from '../../dtos/contact.dto.js';
import { changeMembers } from '../../group-lookup.js';

/** Adds contacts to a static group; ids that are no contact of this tenant are reported, not added. */
@Injectable()
export class AddGroupMembersUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, id: string, dto: GroupMembersDto) {
    return changeMembers(this.contacts, p, id, dto.contactIds, async (tx, ids) => {
      const r = await this.contacts.addMembers(tx, id, ids);
      return { added: r.added.length, alreadyMembers: ids.length - r.added.length - r.unknown.length, notFound: r.unknown };
    });
  }
}
