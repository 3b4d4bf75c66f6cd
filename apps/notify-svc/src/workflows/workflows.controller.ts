import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
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
import { CancelTransactionRunsUseCase } from './usecases/cancel-transaction-runs/cancel-transaction-runs.usecase.js';
import { CancelWorkflowRunUseCase } from './usecases/cancel-workflow-run/cancel-workflow-run.usecase.js';
import { CreateWorkflowUseCase } from './usecases/create-workflow/create-workflow.usecase.js';
import { DeleteWorkflowUseCase } from './usecases/delete-workflow/delete-workflow.usecase.js';
import { GetWorkflowUseCase } from './usecases/get-workflow/get-workflow.usecase.js';
import { GetWorkflowRunUseCase } from './usecases/get-workflow-run/get-workflow-run.usecase.js';
import { ListWorkflowRunsUseCase } from './usecases/list-workflow-runs/list-workflow-runs.usecase.js';
import { ListWorkflowsUseCase } from './usecases/list-workflows/list-workflows.usecase.js';
import { ListWorkflowVersionsUseCase } from './usecases/list-workflow-versions/list-workflow-versions.usecase.js';
import { ReplaceWorkflowUseCase } from './usecases/replace-workflow/replace-workflow.usecase.js';
import { ReadsWorkflows, RunsAction } from './workflow-routes.js';
import { TriggerWorkflowUseCase } from './usecases/trigger-workflow/trigger-workflow.usecase.js';

@ApiTags('workflows')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@Roles(Role.Organizer, Role.Admin)
@Scopes(Scope.TemplatesWrite)
@Controller('notify/v1/workflows')
export class WorkflowsController {
  constructor(
    private readonly createWorkflow: CreateWorkflowUseCase,
    private readonly listWorkflows: ListWorkflowsUseCase,
    private readonly getWorkflow: GetWorkflowUseCase,
    private readonly listVersions: ListWorkflowVersionsUseCase,
    private readonly replaceWorkflow: ReplaceWorkflowUseCase,
    private readonly deleteWorkflow: DeleteWorkflowUseCase,
    private readonly trigger: TriggerWorkflowUseCase,
    private readonly cancelTransactionRuns: CancelTransactionRunsUseCase,
  ) {}

  @Post()
  @Idempotent()
  @ApiOperation({ summary: 'Create a workflow (version 1): key, name, steps (channel, delay, digest, throttle, each with an optional if)' })
  create(@CurrentUser() p: Principal, @Body() dto: CreateWorkflowDto, @RawBodyField('steps') steps: unknown) {
    return this.createWorkflow.execute(p, dto, steps);
  }

  @Get()
  @ReadsWorkflows()
  list(@CurrentUser() p: Principal, @Query() q: PaginationQueryDto) {
    return this.listWorkflows.execute(p, q.limit, q.cursor);
  }

  @Get(':key')
  @ReadsWorkflows()
  get(@CurrentUser() p: Principal, @Param('key') key: string) {
    return this.getWorkflow.execute(p, key);
  }

  @Get(':key/versions')
  @ReadsWorkflows()
  @ApiOperation({ summary: 'Every version of the definition, newest first (a run keeps the version it started with)' })
  versions(@CurrentUser() p: Principal, @Param('key') key: string) {
    return this.listVersions.execute(p, key);
  }

  @Put(':key')
  @ApiOperation({ summary: 'Replace the definition: a new version (runs already started keep theirs)' })
  replace(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: ReplaceWorkflowDto, @RawBodyField('steps') steps: unknown) {
    return this.replaceWorkflow.execute(p, key, dto, steps);
  }

  @Delete(':key')
  @ApiOperation({ summary: 'Delete a workflow, its versions and its runs (deliveries already made stay)' })
  remove(@CurrentUser() p: Principal, @Param('key') key: string) {
    return this.deleteWorkflow.execute(p, key);
  }

  @Post(':key/trigger')
  @RunsAction(202, 'Start a run per recipient (202 with the run ids); transactionId and Idempotency-Key both dedupe')
  run(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: TriggerWorkflowDto, @RawBodyField('to') to: unknown) {
    return this.trigger.execute(p, key, dto, to);
  }

  @Post(':key/cancel')
  @RunsAction(200, 'End the waiting runs triggered with this transactionId (nothing more is sent for them)')
  cancel(@CurrentUser() p: Principal, @Param('key') key: string, @Body() dto: CancelByTransactionDto) {
    return this.cancelTransactionRuns.execute(p, key, dto.transactionId);
  }
}

@ApiTags('workflows')
@ApiBearerAuth(SECURITY.bearer)
@ApiSecurity(SECURITY.apiKey)
@ReadsWorkflows()
@Controller('notify/v1/workflow-runs')
export class WorkflowRunsController {
  constructor(
    private readonly listRuns: ListWorkflowRunsUseCase,
    private readonly getRun: GetWorkflowRunUseCase,
    private readonly cancelRun: CancelWorkflowRunUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Runs, newest first; ?workflowKey= and ?status= filter' })
  list(@CurrentUser() p: Principal, @Query() q: ListRunsQueryDto) {
    return this.listRuns.execute(p, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run with each step reached: status, times, delivery ids' })
  get(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.getRun.execute(p, id);
  }

  @Post(':id/cancel')
  @Roles(Role.Organizer, Role.Admin)
  @RunsAction(200, 'End a waiting or running run (409 once it ended)')
  cancel(@CurrentUser() p: Principal, @Param('id') id: string) {
    return this.cancelRun.execute(p, id);
  }
}
