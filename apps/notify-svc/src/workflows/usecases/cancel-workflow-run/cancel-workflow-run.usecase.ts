import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { toRunView } from '../../dtos/workflow.view.js';
import { cancelRun } from '../../run-cancel.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Ends a run that has not ended: its waiting job is removed, its waiting step cancelled. 409 once it ended. */
@Injectable()
export class CancelWorkflowRunUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly workflows: WorkflowsRepository,
  ) {}

  async execute(p: Principal, id: string) {
    const r = isUuid(id)
      ? await this.uow.tenant(p.tenantId!, async (tx) => {
          const run = await this.workflows.lockRun(tx, id);
          if (!run || (run.status !== 'running' && run.status !== 'waiting')) return { run, cancelled: false };
          await cancelRun(this.workflows, tx, run);
          return { run, cancelled: true };
        })
      : undefined;
    if (!r?.run) throw AppException.notFound('Workflow run');
    if (!r.cancelled) throw AppException.conflict(`The run has ended (${r.run.status})`);
    return toRunView(r.run);
  }
}
