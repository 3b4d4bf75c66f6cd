import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { ContactsRepository } from '../../contacts.repository.js';
import { toContactView } from '../../dtos/contact.view.js';

/** One contact of the tenant (404 otherwise). */
@Injectable()
export class GetContactUseCase {
  constructor(private readonly contacts: ContactsRepository) {}

  async execute(p: Principal, id: string) {
    const row = isUuid(id) ? await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.find(tx, id), true) : undefined;
    if (!row) throw AppException.notFound('Contact');
    return toContactView(row);
  }
}
