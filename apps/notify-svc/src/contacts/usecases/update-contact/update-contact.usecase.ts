import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { ContactInput } from '../../contact-values.js';
import { ContactsRepository } from '../../contacts.repository.js';
import type { UpdateContactDto } from '../../dtos/contact.dto.js';
import { toContactView } from '../../dtos/contact.view.js';

/** Edits a contact: absent fields kept, null clears; attributes merge (null removes a key). */
@Injectable()
export class UpdateContactUseCase {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly input: ContactInput,
  ) {}

  async execute(p: Principal, id: string, dto: UpdateContactDto) {
    if (!Object.values(dto).some((v) => v !== undefined)) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give at least one field'] }]);
    }
    if (!isUuid(id)) throw AppException.notFound('Contact');
    return toContactView(
      await this.contacts.tenant(p.tenantId!, async (tx) => {
        const current = await this.contacts.find(tx, id, true);
        if (!current) throw AppException.notFound('Contact');
        return this.contacts.update(tx, id, this.input.values(id, dto, current));
      }),
    );
  }
}
