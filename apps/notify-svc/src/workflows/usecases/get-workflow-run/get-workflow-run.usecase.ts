import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { toRunView } from '../../dtos/workflow.view.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** A run with each step reached: status, times, delivery ids. */
@Injectable()
export class GetWorkflowRunUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, id: string) {
    const run = isUuid(id) ? await this.workflows.getRun(p.tenantId!, id) : undefined;
    if (!run) throw AppException.notFound('Workflow run');
    return toRunView(run, run.steps);
  }
}
