import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { ContactsQuery, ContactsQueryPipe, RawBodyField } from './contacts-query.js';
import {
  CreateContactDto,
  CreateGroupDto,
  GroupMembersDto,
  ListContactsQueryDto,
  UpdateContactDto,
  UpdateGroupDto,
} from './dtos/contact.dto.js';
import { ManageContactsUseCase, type ContactListQuery } from './usecases/manage-contacts/manage-contacts.usecase.js';
import { ManageGroupsUseCase } from './usecases/manage-groups/manage-groups.usecase.js';
import { CSV } from './contacts-http.setup.js';
import { ExportContactsUseCase } from './usecases/export-contacts/export-contacts.usecase.js';
import { ImportContactsUseCase } from './usecases/import-contacts/import-contacts.usecase.js';

/**
 * Who may do what (seed 001): every user of the tenant reads contacts and groups; organizers and
 * admins change, import and export them. API keys read with contacts:read (or :write) and do the
 * rest with contacts:write; the export, a bulk copy of every contact, is organizer-level too.
 */
const READ_SCOPES = [Scope.ContactsRead, Scope.ContactsWrite];

@ApiTags('contacts')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.ContactsWrite)
@Controller('notify/v1/contacts')
export class ContactsController {
  constructor(
    private readonly manage: ManageContactsUseCase,
    private readonly importer: ImportContactsUseCase,
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
    return this.importer.accept(p, csv);
  }

  @Get('imports/:id')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @ApiOperation({ summary: "An import's progress and its per-row report (at most 1,000 errors kept; errorsTruncated beyond)" })
  importStatus(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.importer.get(p, id);
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
    return this.manage.create(p, { ...dto, attributes });
  }

  @Get()
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @ApiOperation({ summary: 'List and search contacts; filter with attribute.<key>=<value> (dotted keys reach nested values)' })
  @ApiQuery({ type: ListContactsQueryDto })
  @ApiQuery({ name: 'attribute.<key>', required: false, description: 'Exact attribute value (text comparison); repeat for OR' })
  list(@CurrentUser() p: Principal, @ContactsQuery(new ContactsQueryPipe()) q: ContactListQuery) {
    return this.manage.list(p, q);
  }

  @Get(':id')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a contact: absent fields kept, null clears; attributes merge (null removes a key)' })
  update(
    @CurrentUser() p: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateContactDto,
    @RawBodyField('attributes') attributes: unknown,
  ) {
    return this.manage.update(p, id, { ...dto, attributes });
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a contact (and its group memberships)' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }
}

@ApiTags('contacts')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.ContactsWrite)
@Controller('notify/v1/groups')
export class GroupsController {
  constructor(private readonly manage: ManageGroupsUseCase) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a static group, or a dynamic one with a filter on attributes, locale, timezone' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateGroupDto, @RawBodyField('filter') filter: unknown) {
    return this.manage.create(p, { ...dto, filter });
  }

  @Get()
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q.limit, q.cursor);
  }

  @Get(':id')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @ApiOperation({ summary: 'A group with its member count (a dynamic filter evaluated now)' })
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.get(p, id);
  }

  @Patch(':id')
  update(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateGroupDto, @RawBodyField('filter') filter: unknown) {
    return this.manage.update(p, id, { ...dto, filter });
  }

  @Delete(':id')
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }

  @Get(':id/members')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  @ApiOperation({ summary: "A group's contacts, paged (a dynamic group: its filter evaluated now)" })
  members(@CurrentUser() p: Principal, @Param('id') id: string, @Query() q: PaginationQueryDto) {
    return this.manage.members(p, id, q.limit, q.cursor);
  }

  @Post(':id/members')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Add up to 1,000 contacts to a static group; unknown ids are reported, not added' })
  addMembers(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: GroupMembersDto) {
    return this.manage.addMembers(p, id, dto);
  }

  @Delete(':id/members')
  @ApiOperation({ summary: 'Remove up to 1,000 contacts from a static group' })
  removeMembers(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: GroupMembersDto) {
    return this.manage.removeMembers(p, id, dto);
  }
}
