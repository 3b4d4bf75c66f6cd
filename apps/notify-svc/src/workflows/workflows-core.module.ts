import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module.js';
import { ChannelStepSender } from './channel-step-sender.js';
import { RunWorkflowUseCase } from './usecases/run-workflow/run-workflow.usecase.js';
import { WorkflowClock } from './workflow-clock.js';
import { WorkflowStepsRepository } from './workflow-steps.repository.js';
import { WorkflowsRepository } from './workflows.repository.js';

/** The workflow store and the step runner (the worker imports this). */
@Module({
  imports: [DeliveriesModule],
  providers: [WorkflowsRepository, WorkflowStepsRepository, WorkflowClock, ChannelStepSender, RunWorkflowUseCase],
  exports: [WorkflowsRepository, WorkflowClock, RunWorkflowUseCase],
})
export class WorkflowsCoreModule {}
