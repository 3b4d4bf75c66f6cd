import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PaginationQueryDto, Role, Scope, SECURITY, type Principal, Idempotent } from '#common';
import { CurrentUser, Roles, Scopes, SendsNotifications } from '#auth-kit';
import { CreateTemplateDto, PreviewTemplateDto, TestSendTemplateDto, UpdateTemplateDto } from './dtos/template.dto.js';
import { CreateTemplateUseCase } from './usecases/create-template/create-template.usecase.js';
import { DeleteTemplateUseCase } from './usecases/delete-template/delete-template.usecase.js';
import { GetTemplateUseCase } from './usecases/get-template/get-template.usecase.js';
import { ListTemplateVersionsUseCase } from './usecases/list-template-versions/list-template-versions.usecase.js';
import { ListTemplatesUseCase } from './usecases/list-templates/list-templates.usecase.js';
import { UpdateTemplateUseCase } from './usecases/update-template/update-template.usecase.js';
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
    private readonly createTemplate: CreateTemplateUseCase,
    private readonly listTemplates: ListTemplatesUseCase,
    private readonly getTemplate: GetTemplateUseCase,
    private readonly listVersions: ListTemplateVersionsUseCase,
    private readonly updateTemplate: UpdateTemplateUseCase,
    private readonly deleteTemplate: DeleteTemplateUseCase,
    private readonly previewTemplate: PreviewTemplateUseCase,
    private readonly testSendTemplate: TestSendTemplateUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a template (version 1)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateTemplateDto) {
    return this.createTemplate.execute(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's templates" })
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listTemplates.execute(p, q.limit, q.cursor);
  }

  @Get(':id')
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getTemplate.execute(p, id);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every version of a template, newest first' })
  versions(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.listVersions.execute(p, id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Edit a template: makes a new version' })
  replace(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateTemplateDto) {
    return this.updateTemplate.execute(p, id, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a template: makes a new version' })
  update(@CurrentUser() p: Principal, @Param('id') id: string, @Body() dto: UpdateTemplateDto) {
    return this.updateTemplate.execute(p, id, dto);
  }

  @Delete(':id')
  @Roles(Role.Admin)
  @Scopes(Scope.Admin)
  @ApiOperation({ summary: 'Delete a template (admin); deliveries keep what they rendered' })
  remove(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.deleteTemplate.execute(p, id);
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
