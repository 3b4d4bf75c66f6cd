import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import type { ListRunsQueryDto } from '../../dtos/workflow.dto.js';
import { toRunView } from '../../dtos/workflow.view.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Runs, newest first; filtered by workflow key and status. */
@Injectable()
export class ListWorkflowRunsUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, q: ListRunsQueryDto) {
    return (
      await this.workflows.listRuns(p.tenantId!, { workflowKey: q.workflowKey, status: q.status }, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor)
    ).map((r) => toRunView(r));
  }
}
