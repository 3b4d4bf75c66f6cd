import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { cancelRun } from '../../run-cancel.js';
import { loadWorkflow } from '../../workflow-lookup.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Ends every waiting or running run of the workflow triggered with this transactionId (nothing more is sent for them). */
@Injectable()
export class CancelTransactionRunsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly workflows: WorkflowsRepository,
  ) {}

  async execute(p: Principal, key: string, transactionId: string) {
    return this.uow.tenant(p.tenantId!, async (tx) => {
      const w = await loadWorkflow(this.workflows, tx, key);
      const runs = await this.workflows.lockOpenRunsOfTransaction(tx, w.id, transactionId);
      for (const r of runs) await cancelRun(this.workflows, tx, r);
      return { cancelled: runs.length, runIds: runs.map((r) => r.id) };
    });
  }
}
