import { Module } from '@nestjs/common';
import { ContactInput } from './contact-values.js';
import { ContactImportsRepository } from './contact-imports.repository.js';
import { ContactsCoreModule } from './contacts-core.module.js';
import { ContactsController, GroupsController } from './contacts.controller.js';
import { ContactsHttpSetup } from './contacts-http.setup.js';
import { AddGroupMembersUseCase } from './usecases/add-group-members/add-group-members.usecase.js';
import { CreateContactUseCase } from './usecases/create-contact/create-contact.usecase.js';
import { CreateGroupUseCase } from './usecases/create-group/create-group.usecase.js';
import { DeleteContactUseCase } from './usecases/delete-contact/delete-contact.usecase.js';
import { DeleteGroupUseCase } from './usecases/delete-group/delete-group.usecase.js';
import { ExportContactsUseCase } from './usecases/export-contacts/export-contacts.usecase.js';
import { GetContactUseCase } from './usecases/get-contact/get-contact.usecase.js';
import { GetContactImportUseCase } from './usecases/get-contact-import/get-contact-import.usecase.js';
import { GetGroupUseCase } from './usecases/get-group/get-group.usecase.js';
import { ListContactsUseCase } from './usecases/list-contacts/list-contacts.usecase.js';
import { ListGroupMembersUseCase } from './usecases/list-group-members/list-group-members.usecase.js';
import { ListGroupsUseCase } from './usecases/list-groups/list-groups.usecase.js';
import { RemoveGroupMembersUseCase } from './usecases/remove-group-members/remove-group-members.usecase.js';
import { RunContactImportUseCase } from './usecases/run-contact-import/run-contact-import.usecase.js';
import { StartContactImportUseCase } from './usecases/start-contact-import/start-contact-import.usecase.js';
import { UpdateContactUseCase } from './usecases/update-contact/update-contact.usecase.js';
import { UpdateGroupUseCase } from './usecases/update-group/update-group.usecase.js';

/** Contacts and groups: a tenant's audience (seed 001). */
@Module({
  imports: [ContactsCoreModule],
  controllers: [ContactsController, GroupsController],
  providers: [
    ContactImportsRepository,
    ContactInput,
    CreateContactUseCase,
    ListContactsUseCase,
    GetContactUseCase,
    UpdateContactUseCase,
    DeleteContactUseCase,
    StartContactImportUseCase,
    GetContactImportUseCase,
    RunContactImportUseCase,
    ExportContactsUseCase,
    CreateGroupUseCase,
    ListGroupsUseCase,
    GetGroupUseCase,
    UpdateGroupUseCase,
    DeleteGroupUseCase,
    ListGroupMembersUseCase,
    AddGroupMembersUseCase,
    RemoveGroupMembersUseCase,
    ContactsHttpSetup,
  ],
  exports: [RunContactImportUseCase],
})
export class ContactsModule {}
