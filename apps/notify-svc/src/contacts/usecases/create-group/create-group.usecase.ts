import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import { parseAudienceFilter } from '../../audience.js';
import { ContactsRepository } from '../../contacts.repository.js';
import type { CreateGroupDto } from '../../dtos/contact.dto.js';
import { toGroupView } from '../../dtos/contact.view.js';

/**
 * A static group (members added and removed by id) or a dynamic one (a filter, evaluated whenever
 * the group is read or sent to).
 */
@Injectable()
export class CreateGroupUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, dto: CreateGroupDto) {
    if (dto.kind === 'static' && dto.filter !== undefined) {
      throw AppException.validation('A static group has no filter', [{ field: 'filter', messages: ['only dynamic groups have a filter'] }]);
    }
    if (dto.kind === 'dynamic' && dto.filter === undefined) {
      throw AppException.validation('A dynamic group needs a filter', [{ field: 'filter', messages: ['required for a dynamic group'] }]);
    }
    const filter = dto.kind === 'dynamic' ? parseAudienceFilter(dto.filter) : null;
    const row = await this.contacts.tenant(p.tenantId!, (tx) =>
      this.contacts.insertGroup(tx, { name: dto.name.trim(), description: dto.description ?? null, kind: dto.kind, filter }, actorOf(p)),
    );
    return toGroupView(row);
  }
}
