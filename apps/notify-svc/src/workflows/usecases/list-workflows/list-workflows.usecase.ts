import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { toWorkflowView } from '../../dtos/workflow.view.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** The tenant's workflows, newest first, paged. */
@Injectable()
export class ListWorkflowsUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return (await this.workflows.list(p.tenantId!, limit, cursor)).map(toWorkflowView);
  }
}
