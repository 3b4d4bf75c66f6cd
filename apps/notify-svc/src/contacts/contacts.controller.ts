import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { ContactsQuery, ContactsQueryPipe, RawBodyField, type ContactListQuery } from './contacts-query.js';
import {
  CreateContactDto,
  CreateGroupDto,
  GroupMembersDto,
  ListContactsQueryDto,
  UpdateContactDto,
  UpdateGroupDto,
} from './dtos/contact.dto.js';
import { ReadsContacts } from './contact-routes.js';
import { CSV } from './contacts-http.setup.js';
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
import { StartContactImportUseCase } from './usecases/start-contact-import/start-contact-import.usecase.js';
import { UpdateContactUseCase } from './usecases/update-contact/update-contact.usecase.js';
import { UpdateGroupUseCase } from './usecases/update-group/update-group.usecase.js';

@ApiTags('contacts')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.ContactsWrite)
@Controller('notify/v1/contacts')
export class ContactsController {
  constructor(
    private readonly createContact: CreateContactUseCase,
    private readonly listContacts: ListContactsUseCase,
    private readonly getContact: GetContactUseCase,
    private readonly updateContact: UpdateContactUseCase,
    private readonly deleteContact: DeleteContactUseCase,
    private readonly startImport: StartContactImportUseCase,
    private readonly getImport: GetContactImportUseCase,
    private readonly exporter: ExportContactsUseCase,
  ) {}

  @Post('import')
  @Idempotent()
  @HttpCode(202)
  @ApiConsumes(CSV)
  @ApiOperation({
    summary:
      'Import contacts from CSV (≤ 100,000 rows): columns externalId, name, email, phone, locale, timezone, attr.<key>, attributes (JSON)',
    description:
      'Checked and queued (202 with the import); a worker upserts the rows by externalId, then email. Progress and the per-row report at GET /contacts/imports/:id.',
  })
  import(@CurrentUser() p: Principal, @Body() csv: unknown) {
    return this.startImport.execute(p, csv);
  }

  @Get('imports/:id')
  @ReadsContacts()
  @ApiOperation({ summary: "An import's progress and its per-row report (at most 1,000 errors kept; errorsTruncated beyond)" })
  importStatus(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getImport.execute(p, id);
  }

  @Get('export')
  @ApiProduces(CSV)
  @ApiOperation({ summary: 'The contacts as CSV, streamed (organizer, admin); takes the list filters' })
  @ApiQuery({ type: ListContactsQueryDto })
  async export(@CurrentUser() p: Principal, @ContactsQuery(new ContactsQueryPipe()) q: ContactListQuery) {
    return new StreamableFile(await this.exporter.execute(p, q), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="contacts.csv"',
    });
  }

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a contact (organizer, admin); 409 naming a duplicate externalId, email or phone' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateContactDto, @RawBodyField('attributes') attributes: unknown) {
    return this.createContact.execute(p, { ...dto, attributes });
  }

  @Get()
  @ReadsContacts()
  @ApiOperation({ summary: 'List and search contacts; filter with attribute.<key>=<value> (dotted keys reach nested values)' })
  @ApiQuery({ type: ListContactsQueryDto })
  @ApiQuery({ name: 'attribute.<key>', required: false, description: 'Exact attribute value (text comparison); repeat for OR' })
  list(@CurrentUser() p: Principal, @ContactsQuery(new ContactsQueryPipe()) q: ContactListQuery) {
    return this.listContacts.execute(p, q);
  }

  @Get(':id')
  @ReadsContacts()
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getContact.execute(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a contact: absent fields kept, null clears; attributes merge (null removes a key)' })
  update(
    @CurrentUser() p: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateContactDto,
    @RawBodyField('attributes') attributes: unknown,
  ) {
    return this.updateContact.execute(p, id, { ...dto, attributes });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a contact (and its group memberships)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteContact.execute(p, id);
  }
}

@ApiTags('contacts')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.ContactsWrite)
@Controller('notify/v1/groups')
export class GroupsController {
  constructor(
    private readonly createGroup: CreateGroupUseCase,
    private readonly listGroups: ListGroupsUseCase,
    private readonly getGroup: GetGroupUseCase,
    private readonly updateGroup: UpdateGroupUseCase,
    private readonly deleteGroup: DeleteGroupUseCase,
    private readonly listMembers: ListGroupMembersUseCase,
    private readonly addGroupMembers: AddGroupMembersUseCase,
    private readonly removeGroupMembers: RemoveGroupMembersUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a static group, or a dynamic one with a filter on attributes, locale, timezone' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateGroupDto, @RawBodyField('filter') filter: unknown) {
    return this.createGroup.execute(p, { ...dto, filter });
  }

  @Get()
  @ReadsContacts()
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listGroups.execute(p, q.limit, q.cursor);
  }

  @Get(':id')
  @ReadsContacts()
  @ApiOperation({ summary: 'A group with its member count (a dynamic filter evaluated now)' })
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getGroup.execute(p, id);
  }

  @Patch(':id')
  update(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateGroupDto, @RawBodyField('filter') filter: unknown) {
    return this.updateGroup.execute(p, id, { ...dto, filter });
  }

  @Delete(':id')
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteGroup.execute(p, id);
  }

  @Get(':id/members')
  @ReadsContacts()
  @ApiOperation({ summary: "A group's contacts, paged (a dynamic group: its filter evaluated now)" })
  members(@CurrentUser() p: Principal, @Param('id') id: string, @Query() q: PaginationQueryDto) {
    return this.listMembers.execute(p, id, q.limit, q.cursor);
  }

  @Post(':id/members')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add up to 1,000 contacts to a static group; unknown ids are reported, not added' })
  addMembers(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: GroupMembersDto) {
    return this.addGroupMembers.execute(p, id, dto);
  }

  @Delete(':id/members')
  @ApiOperation({ summary: 'Remove up to 1,000 contacts from a static group' })
  removeMembers(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: GroupMembersDto) {
    return this.removeGroupMembers.execute(p, id, dto);
  }
}
