import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import type { GroupMembersDto } from '../../dtos/contact.dto.js';
import { loadStaticGroup, memberIds } from '../../group-lookup.js';

/** Adds contacts to a static group; ids that are no contact of this tenant are reported, not added. */
@Injectable()
export class AddGroupMembersUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  execute(p: Principal, id: string, dto: GroupMembersDto) {
    const ids = memberIds(dto.contactIds);
    return this.contacts.tenant(p.tenantId!, async (tx) => {
      await loadStaticGroup(this.contacts, tx, id);
      const r = await this.contacts.addMembers(tx, id, ids);
      return { added: r.added.length, alreadyMembers: ids.length - r.added.length - r.unknown.length, notFound: r.unknown };
    });
  }
}
