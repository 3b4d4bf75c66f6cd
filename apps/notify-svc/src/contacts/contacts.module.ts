import { Module } from '@nestjs/common';
import { ContactsCoreModule } from './contacts-core.module.js';
import { ContactsController, GroupsController } from './contacts.controller.js';
import { ManageContactsUseCase } from './usecases/manage-contacts/manage-contacts.usecase.js';
import { ManageGroupsUseCase } from './usecases/manage-groups/manage-groups.usecase.js';
import { ContactsHttpSetup } from './contacts-http.setup.js';
import { ExportContactsUseCase } from './usecases/export-contacts/export-contacts.usecase.js';
import { ImportContactsUseCase } from './usecases/import-contacts/import-contacts.usecase.js';

/** Contacts and groups: a tenant's audience (seed 001). */
@Module({
  imports: [ContactsCoreModule],
  controllers: [ContactsController, GroupsController],
  providers: [ManageContactsUseCase, ManageGroupsUseCase, ImportContactsUseCase, ExportContactsUseCase, ContactsHttpSetup],
  exports: [ImportContactsUseCase],
})
export class ContactsModule {}
