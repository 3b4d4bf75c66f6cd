import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PaginationQueryDto, Role, Scope, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Roles, Scopes, SendsNotifications } from '#auth-kit';
import { CreateTemplateDto, PreviewTemplateDto, TestSendTemplateDto, UpdateTemplateDto } from './dtos/template.dto.js';
import { ManageTemplatesUseCase } from './usecases/manage-templates/manage-templates.usecase.js';
import { PreviewTemplateUseCase } from './usecases/preview-template/preview-template.usecase.js';
import { TestSendTemplateUseCase } from './usecases/test-send-template/test-send-template.usecase.js';

@ApiTags('templates')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.TemplatesWrite)
@Controller('notify/v1/templates')
export class TemplatesController {
  constructor(
    private readonly manage: ManageTemplatesUseCase,
    private readonly previewTemplate: PreviewTemplateUseCase,
    private readonly testSendTemplate: TestSendTemplateUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a template (version 1)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateTemplateDto) {
    return this.manage.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's templates" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q.limit, q.cursor);
  }

  @Get(':id')
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.get(p, id);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every version of a template, newest first' })
  versions(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.versions(p, id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Edit a template: makes a new version' })
  replace(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateTemplateDto) {
    return this.manage.update(p, id, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a template: makes a new version' })
  update(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateTemplateDto) {
    return this.manage.update(p, id, dto);
  }

  @Delete(':id')
  @Roles(Role.Admin)
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Delete a template (admin); deliveries keep what they rendered' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.remove(p, id);
  }

  @Post(':id/preview')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a template with sample data (strict: a missing variable is 422)' })
  preview(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: PreviewTemplateDto) {
    return this.previewTemplate.execute(p, id, dto);
  }

  @Post(':id/test-send')
  @Idempotent()
  @HttpCode(202)
  @Roles(Role.Organizer, Role.Admin)
  @SendsNotifications()
  @ApiOperation({ summary: 'Send the template to yourself (email or in-app)' })
  testSend(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: TestSendTemplateDto) {
    return this.testSendTemplate.execute(p, id, dto);
  }
}
