import { Module } from '@nestjs/common';
import { ContactTargets } from './contact-targets.js';
import { ContactsRepository } from './contacts.repository.js';

/** The contacts store and the send path's view of it (deliveries and campaigns import this). Device tokens use the global SECRET_CIPHER. */
@Module({
  providers: [ContactsRepository, ContactTargets],
  exports: [ContactsRepository, ContactTargets],
})
export class ContactsCoreModule {}
