import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';

/** Deletes a contact (and its group memberships). */
@Injectable()
export class DeleteContactUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, id: string): Promise<{ deleted: true }> {
    const gone = isUuid(id) && (await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.remove(tx, id)));
    if (!gone) throw AppException.notFound('Contact');
    return { deleted: true };
  }
}
