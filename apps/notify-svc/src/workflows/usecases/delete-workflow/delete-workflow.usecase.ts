import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { isWorkflowKey } from '../../workflow-definition.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Deletes a workflow, its versions and its runs (deliveries already made stay). */
@Injectable()
export class DeleteWorkflowUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, key: string): Promise<{ deleted: true }> {
    if (!isWorkflowKey(key) || !(await this.workflows.remove(p.tenantId!, key))) throw AppException.notFound('Workflow');
    return { deleted: true };
  }
}
