import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work.js';
import { GoogleIdentity } from './google-identity.entity.js';

/** The google_identities table (Google accounts linked to users), in the open transaction when there is one. */
@Injectable()
export class GoogleIdentityStore {
  constructor(private readonly uow: UnitOfWork) {}

  /** The identity of a Google account, row-locked until the open transaction ends. */
  findBySubjectForUpdate(subject: string): Promise<GoogleIdentity | null> {
    return this.uow.db.repo(GoogleIdentity).findOne({ where: { subject }, lock: { mode: 'pessimistic_write' } });
  }

  /** Links a Google account to a user. */
  async link(fields: Pick<GoogleIdentity, 'tenantId' | 'userId' | 'subject' | 'email'>): Promise<void> {
    await this.uow.db.repo(GoogleIdentity).insert(fields);
  }

  /** Stamps a sign-in, with the account's current email when Google gave one. */
  async recordLogin(id: string, email: string | null | undefined): Promise<void> {
    await this.uow.db.repo(GoogleIdentity).update({ id }, { lastLoginAt: new Date(), ...(email ? { email } : {}) });
  }
}
