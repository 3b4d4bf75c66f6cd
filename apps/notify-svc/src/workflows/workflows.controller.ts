import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Idempotent, PaginationQueryDto, Role, Scope, SECURITY, type Principal } from '#common';
import { CurrentUser, Roles, Scopes } from '#auth-kit';
import { RawBodyField } from '../contacts/contacts-query.js';
import {
  CancelByTransactionDto,
  CreateWorkflowDto,
  ListRunsQueryDto,
  ReplaceWorkflowDto,
  TriggerWorkflowDto,
} from './dtos/workflow.dto.js';
import { ManageWorkflowsUseCase } from './usecases/manage-workflows/manage-workflows.usecase.js';
import { TriggerWorkflowUseCase } from './usecases/trigger-workflow/trigger-workflow.usecase.js';

/**
 * Who may do what, as for campaigns: every user of the tenant reads workflows and runs; organizers
 * and admins write, trigger and cancel. API keys read with notifications:read or :send, write with
 * templates:write, and trigger with notifications:send.
 */
const READ_SCOPES = [Scope.NotificationsRead, Scope.NotificationsSend, Scope.TemplatesWrite];

@ApiTags('workflows')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.TemplatesWrite)
@Controller('notify/v1/workflows')
export class WorkflowsController {
  constructor(
    private readonly manage: ManageWorkflowsUseCase,
    private readonly trigger: TriggerWorkflowUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a workflow (version 1): key, name, steps (channel, delay, digest, throttle, each with an optional if)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateWorkflowDto, @RawBodyField('steps') steps: unknown) {
    return this.manage.create(p, dto, steps);
  }

  @Get()
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.manage.list(p, q.limit, q.cursor);
  }

  @Get(':key')
  @Roles(Role.User, Role.Organizer, Role.Admin)
  @Scopes(...READ_SCOPES)
  get(@CurrentUser() p: Principal, @Param('key') key: string) {
    return this.manage.get(p, key);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Replace the definition: a new version (runs already started keep theirs)' })
  replace(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: ReplaceWorkflowDto, @RawBodyField('steps') steps: unknown) {
    return this.manage.replace(p, key, dto, steps);
  }

  @Delete(':key')
  @ApiOperation({ summary: 'Delete a workflow, its versions and its runs (deliveries already made stay)' })
  remove(@CurrentUser() p: Principal, @Param('key') key: string) {
    return this.manage.remove(p, key);
  }

  @Post(':key/trigger')
  @Idempotent()
  @HttpCode(202)
  @Scopes(Scope.NotificationsSend)
  @ApiOperation({ summary: 'Start a run per recipient (202 with the run ids); transactionId and Idempotency-Key both dedupe' })
  run(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: TriggerWorkflowDto, @RawBodyField('to') to: unknown) {
    return this.trigger.execute(p, key, dto, to);
  }

  @Post(':key/cancel')
  @Idempotent()
  @HttpCode(200)
  @Scopes(Scope.NotificationsSend)
  @ApiOperation({ summary: 'End the waiting runs triggered with this transactionId (nothing more is sent for them)' })
  cancel(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: CancelByTransactionDto) {
    return this.manage.cancelByTransaction(p, key, dto.transactionId);
  }
}

@ApiTags('workflows')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.User, Role.Organizer, Role.Admin)
@Scopes(...READ_SCOPES)
@Controller('notify/v1/workflow-runs')
export class WorkflowRunsController {
  constructor(private readonly manage: ManageWorkflowsUseCase) {}

  @Get()
  @ApiOperation({ summary: 'Runs, newest first; ?workflowKey= and ?status= filter' })
  list(@CurrentUser() p: Principal, @Query() q: ListRunsQueryDto) {
    return this.manage.listRuns(p, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run with each step reached: status, times, delivery ids' })
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.getRun(p, id);
  }

  @Post(':id/cancel')
  @Idempotent()
  @HttpCode(200)
  @Roles(Role.Organizer, Role.Admin)
  @Scopes(Scope.NotificationsSend)
  @ApiOperation({ summary: 'End a waiting or running run (409 once it ended)' })
  cancel(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.manage.cancelRun(p, id);
  }
}
