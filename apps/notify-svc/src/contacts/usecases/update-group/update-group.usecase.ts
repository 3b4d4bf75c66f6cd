import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { parseAudienceFilter } from '../../audience.js';
import { ContactsRepository } from '../../contacts.repository.js';
import type { UpdateGroupDto } from '../../dtos/contact.dto.js';
import { toGroupView } from '../../dtos/contact.view.js';
import { loadGroup } from '../../group-lookup.js';

/** Edits a group's name, description, or (a dynamic group's) filter. */
@Injectable()
export class UpdateGroupUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, id: string, dto: UpdateGroupDto) {
    if (dto.name === undefined && dto.description === undefined && dto.filter === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give name, description or filter'] }]);
    }
    const filter = dto.filter !== undefined ? parseAudienceFilter(dto.filter) : undefined;
    const row = await this.contacts.tenant(p.tenantId!, async (tx) => {
      const g = await loadGroup(this.contacts, tx, id, true);
      if (filter && g.kind === 'static') {
        throw AppException.validation('A static group has no filter', [
          { field: 'filter', messages: ['only dynamic groups have a filter'] },
        ]);
      }
      return (await this.contacts.updateGroup(tx, id, {
        name: dto.name?.trim() ?? g.name,
        description: dto.description === undefined ? g.description : dto.description,
        filter: filter ?? g.filter,
      }))!;
    });
    return toGroupView(row);
  }
}
