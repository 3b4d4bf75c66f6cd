import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { toWorkflowVersionView } from '../../dtos/workflow.view.js';
import { isWorkflowKey } from '../../workflow-definition.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Every version of a workflow, newest first, as runs started on it see it (404 when it is not the tenant's). */
@Injectable()
export class ListWorkflowVersionsUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, key: string) {
    const rows = isWorkflowKey(key) ? await this.workflows.versions(p.tenantId!, key) : [];
    if (!rows.length) throw AppException.notFound('Workflow');
    return rows.map(toWorkflowVersionView);
  }
}
