import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';

/** Deletes a group (its contacts stay). */
@Injectable()
export class DeleteGroupUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, id: string): Promise<{ deleted: true }> {
    const gone = isUuid(id) && (await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.removeGroup(tx, id)));
    if (!gone) throw AppException.notFound('Group');
    return { deleted: true };
  }
}
