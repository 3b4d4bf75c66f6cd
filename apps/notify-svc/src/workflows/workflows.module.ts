import { Module } from '@nestjs/common';
import { ContactsCoreModule } from '../contacts/contacts-core.module.js';
import { WorkflowsCoreModule } from './workflows-core.module.js';
import { WorkflowRunsController, WorkflowsController } from './workflows.controller.js';
import { ManageWorkflowsUseCase } from './usecases/manage-workflows/manage-workflows.usecase.js';
import { TriggerWorkflowUseCase } from './usecases/trigger-workflow/trigger-workflow.usecase.js';

/** Workflows: steps (channels, delay, digest, throttle, conditions) run by durable jobs (issue 21). */
@Module({
  imports: [WorkflowsCoreModule, ContactsCoreModule],
  controllers: [WorkflowsController, WorkflowRunsController],
  providers: [ManageWorkflowsUseCase, TriggerWorkflowUseCase],
})
export class WorkflowsModule {}
