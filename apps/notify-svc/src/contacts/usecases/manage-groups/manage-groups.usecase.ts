import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, isUuid, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { Tx } from '../../../database/unit-of-work.js';
import { parseAudienceFilter } from '../../audience.js';
import { ContactsRepository, type GroupRow } from '../../contacts.repository.js';
import type { CreateGroupDto, GroupMembersDto, UpdateGroupDto } from '../../dtos/contact.dto.js';
import { toContactView, toGroupView } from '../../dtos/contact.view.js';

/**
 * Static groups (members added and removed by id) and dynamic groups (a filter, evaluated whenever
 * the group is read or sent to). Membership calls on a dynamic group are 409: its members follow
 * from its filter.
 */
@Injectable()
export class ManageGroupsUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async create(p: Principal, dto: CreateGroupDto) {
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

  async update(p: Principal, id: string, dto: UpdateGroupDto) {
    if (dto.name === undefined && dto.description === undefined && dto.filter === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give name, description or filter'] }]);
    }
    const filter = dto.filter !== undefined ? parseAudienceFilter(dto.filter) : undefined;
    const row = await this.contacts.tenant(p.tenantId!, async (tx) => {
      const g = await this.group(tx, id, true);
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

  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    const gone = isUuid(id) && (await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.removeGroup(tx, id)));
    if (!gone) throw AppException.notFound('Group');
    return { deleted: true };
  }

  /** One group with its current member count (a dynamic group's filter evaluated now). */
  async get(p: Principal, id: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => {
        const g = await this.group(tx, id);
        return toGroupView(g, { memberCount: await this.contacts.count(tx, { group: g }) });
      },
      true,
    );
  }

  async list(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => (await this.contacts.listGroups(tx, limit, cursor)).map((g) => toGroupView(g)),
      true,
    );
  }

  async members(p: Principal, id: string, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return this.contacts.tenant(
      p.tenantId!,
      async (tx) => (await this.contacts.list(tx, { group: await this.group(tx, id) }, limit, cursor)).map(toContactView),
      true,
    );
  }

  /** Adds contacts to a static group; ids that are no contact of this tenant are reported, not added. */
  async addMembers(p: Principal, id: string, dto: GroupMembersDto) {
    const ids = [...new Set(dto.contactIds.map((c) => c.toLowerCase()))];
    return this.contacts.tenant(p.tenantId!, async (tx) => {
      await this.staticGroup(tx, id);
      const r = await this.contacts.addMembers(tx, id, ids);
      return { added: r.added.length, alreadyMembers: ids.length - r.added.length - r.unknown.length, notFound: r.unknown };
    });
  }

  async removeMembers(p: Principal, id: string, dto: GroupMembersDto) {
    const ids = [...new Set(dto.contactIds.map((c) => c.toLowerCase()))];
    return this.contacts.tenant(p.tenantId!, async (tx) => {
      await this.staticGroup(tx, id);
      const removed = new Set(await this.contacts.removeMembers(tx, id, ids));
      return { removed: removed.size, notMembers: ids.filter((c) => !removed.has(c)) };
    });
  }

  private async group(tx: Tx, id: string, forUpdate = false): Promise<GroupRow> {
    const g = isUuid(id) ? await this.contacts.findGroup(tx, id, forUpdate) : undefined;
    if (!g) throw AppException.notFound('Group');
    return g;
  }

  private async staticGroup(tx: Tx, id: string): Promise<GroupRow> {
    const g = await this.group(tx, id, true);
    if (g.kind !== 'static') {
      throw AppException.conflict('A dynamic group has no members to add or remove: its filter decides', [
        { field: 'kind', messages: ['membership calls need a static group'] },
      ]);
    }
    return g;
  }
}
