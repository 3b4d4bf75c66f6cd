import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { WorkflowsCoreModule } from './workflows-core.module.js';
import { WorkflowRunsController, WorkflowsController } from './workflows.controller.js';
import { CancelTransactionRunsUseCase } from './usecases/cancel-transaction-runs/cancel-transaction-runs.usecase.js';
import { CancelWorkflowRunUseCase } from './usecases/cancel-workflow-run/cancel-workflow-run.usecase.js';
import { CreateWorkflowUseCase } from './usecases/create-workflow/create-workflow.usecase.js';
import { DeleteWorkflowUseCase } from './usecases/delete-workflow/delete-workflow.usecase.js';
import { GetWorkflowUseCase } from './usecases/get-workflow/get-workflow.usecase.js';
import { ListWorkflowVersionsUseCase } from './usecases/list-workflow-versions/list-workflow-versions.usecase.js';
import { GetWorkflowRunUseCase } from './usecases/get-workflow-run/get-workflow-run.usecase.js';
import { ListWorkflowRunsUseCase } from './usecases/list-workflow-runs/list-workflow-runs.usecase.js';
import { ListWorkflowsUseCase } from './usecases/list-workflows/list-workflows.usecase.js';
import { ReplaceWorkflowUseCase } from './usecases/replace-workflow/replace-workflow.usecase.js';
import { TriggerWorkflowUseCase } from './usecases/trigger-workflow/trigger-workflow.usecase.js';

/** Workflows: steps (channels, delay, digest, throttle, conditions) run by durable jobs (issue 21). */
@Module({
  imports: [WorkflowsCoreModule, ContactsCoreModule],
  controllers: [WorkflowsController, WorkflowRunsController],
  providers: [
    CreateWorkflowUseCase,
    ListWorkflowsUseCase,
    GetWorkflowUseCase,
    ListWorkflowVersionsUseCase,
    ReplaceWorkflowUseCase,
    DeleteWorkflowUseCase,
    TriggerWorkflowUseCase,
    CancelTransactionRunsUseCase,
    ListWorkflowRunsUseCase,
    GetWorkflowRunUseCase,
    CancelWorkflowRunUseCase,
  ],
})
export class WorkflowsModule {}
