import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { toWorkflowView } from '../../dtos/workflow.view.js';
import { isWorkflowKey } from '../../workflow-definition.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** One workflow of the tenant by its key, current version (404 otherwise). */
@Injectable()
export class GetWorkflowUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, key: string) {
    const row = isWorkflowKey(key) ? await this.workflows.get(p.tenantId!, key) : undefined;
    if (!row) throw AppException.notFound('Workflow');
    return toWorkflowView(row);
  }
}
