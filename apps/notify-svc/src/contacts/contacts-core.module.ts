import { Module } from '@nestjs/common';
import { SecretBox } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { CONTACT_CIPHER } from './contact-secrets.js';
import { ContactTargets } from './contact-targets.js';
import { ContactsRepository } from './contacts.repository.js';

/** The contacts store and the send path's view of it (deliveries and campaigns import this). */
@Module({
  providers: [
    ContactsRepository,
    ContactTargets,
    { provide: CONTACT_CIPHER, inject: [NOTIFY_CONFIG], useFactory: (c: NotifyConfig) => new SecretBox(c.CREDENTIALS_ENCRYPTION_KEY) },
  ],
  exports: [ContactsRepository, ContactTargets, CONTACT_CIPHER],
})
export class ContactsCoreModule {}
