import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import { ContactInput } from '../../contact-values.js';
import { ContactsRepository } from '../../contacts.repository.js';
import type { CreateContactDto } from '../../dtos/contact.dto.js';
import { toContactView } from '../../dtos/contact.view.js';

/** A new contact: at least one of externalId, email, phone, deviceTokens (409 naming a duplicate). */
@Injectable()
export class CreateContactUseCase {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly input: ContactInput,
  ) {}

  async execute(p: Principal, dto: CreateContactDto) {
    const id = randomUUID();
    const values = this.input.values(id, dto, null);
    if (!values.external_id && !values.email && !values.phone && !values.device_token_last4.length) {
      throw AppException.validation('A contact needs an externalId, email, phone or deviceTokens', [
        { field: 'body', messages: ['give at least one of externalId, email, phone, deviceTokens'] },
      ]);
    }
    return toContactView(await this.contacts.tenant(p.tenantId!, (tx) => this.contacts.insert(tx, id, values, actorOf(p))));
  }
}
