import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, isUuid, type Principal } from '#common';
import { TEMPLATE_KEY } from '../../../templates/dtos/template.dto.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import type { CreateWorkflowDto, ListRunsQueryDto, ReplaceWorkflowDto } from '../../dtos/workflow.dto.js';
import { toRunView, toWorkflowView } from '../../dtos/workflow.view.js';
import { parseSteps } from '../../workflow-definition.js';
import { removeWorkflowJob } from '../../../jobs/job-queue.js';
import { RUN_COLS, WorkflowsRepository, type RunRow } from '../../workflows.repository.js';

/** Workflows as tenant resources (each edit a new version), and their runs: list, read, cancel. */
@Injectable()
export class ManageWorkflowsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly workflows: WorkflowsRepository,
  ) {}

  async create(p: Principal, dto: CreateWorkflowDto, rawSteps: unknown) {
    const steps = parseSteps(rawSteps);
    const row = await this.workflows.create(
      p.tenantId!,
      { key: dto.key, name: dto.name, description: dto.description ?? null, category: dto.category ?? null, steps },
      actorOf(p),
    );
    if (!row)
      throw AppException.conflict(`A workflow with key "${dto.key}" exists`, [{ field: 'key', messages: ['already used by this tenant'] }]);
    return toWorkflowView(row);
  }

  async replace(p: Principal, key: string, dto: ReplaceWorkflowDto, rawSteps: unknown) {
    const steps = parseSteps(rawSteps);
    const row = validKey(key)
      ? await this.workflows.replace(
          p.tenantId!,
          key,
          { name: dto.name, description: dto.description ?? null, category: dto.category ?? null, steps },
          actorOf(p),
        )
      : undefined;
    if (!row) throw AppException.notFound('Workflow');
    return toWorkflowView(row);
  }

  async get(p: Principal, key: string) {
    const row = validKey(key) ? await this.workflows.get(p.tenantId!, key) : undefined;
    if (!row) throw AppException.notFound('Workflow');
    return toWorkflowView(row);
  }

  async list(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return (await this.workflows.list(p.tenantId!, limit, cursor)).map(toWorkflowView);
  }

  async remove(p: Principal, key: string): Promise<{ deleted: true }> {
    if (!validKey(key) || !(await this.workflows.remove(p.tenantId!, key))) throw AppException.notFound('Workflow');
    return { deleted: true };
  }

  async listRuns(p: Principal, q: ListRunsQueryDto) {
    return (
      await this.workflows.listRuns(p.tenantId!, { workflowKey: q.workflowKey, status: q.status }, q.limit ?? DEFAULT_PAGE_LIMIT, q.cursor)
    ).map((r) => toRunView(r));
  }

  async getRun(p: Principal, id: string) {
    const run = isUuid(id) ? await this.workflows.getRun(p.tenantId!, id) : undefined;
    if (!run) throw AppException.notFound('Workflow run');
    return toRunView(run, run.steps);
  }

  /** Ends a run that has not ended: its waiting job is removed, its waiting step cancelled. 409 once it ended. */
  async cancelRun(p: Principal, id: string) {
    const r = isUuid(id)
      ? await this.uow.tenant(p.tenantId!, async (tx) => {
          const run = await this.workflows.lockRun(tx, id);
          if (!run || (run.status !== 'running' && run.status !== 'waiting')) return { run, cancelled: false };
          await this.cancel(tx, run);
          return { run, cancelled: true };
        })
      : undefined;
    if (!r?.run) throw AppException.notFound('Workflow run');
    if (!r.cancelled) throw AppException.conflict(`The run has ended (${r.run.status})`);
    return toRunView(r.run);
  }

  /** Ends every waiting or running run of the workflow triggered with this transactionId. */
  async cancelByTransaction(p: Principal, key: string, transactionId: string) {
    if (!validKey(key)) throw AppException.notFound('Workflow');
    return this.uow.tenant(p.tenantId!, async (tx) => {
      const w = await this.workflows.find(tx, key);
      if (!w) throw AppException.notFound('Workflow');
      const runs = await tx.rows<RunRow>(
        `SELECT ${RUN_COLS} FROM workflow_runs WHERE tenant_id = $1 AND workflow_id = $2 AND transaction_id = $3 AND status IN ('running', 'waiting')
         ORDER BY id FOR UPDATE`,
        [tx.tenantId, w.id, transactionId],
      );
      for (const r of runs) await this.cancel(tx, r);
      return { cancelled: runs.length, runIds: runs.map((r) => r.id) };
    });
  }

  private async cancel(tx: Tx, r: RunRow): Promise<void> {
    await tx.exec(
      `UPDATE workflow_runs SET status = 'cancelled', status_reason = 'cancelled', updated_at = now(), ended_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tx.tenantId, r.id],
    );
    await tx.exec(
      `UPDATE workflow_run_steps SET status = 'cancelled', ended_at = now() WHERE tenant_id = $1 AND run_id = $2 AND status = 'waiting'`,
      [tx.tenantId, r.id],
    );
    // A digest it owned takes no one more.
    await tx.exec(`UPDATE workflow_digests SET open = false WHERE tenant_id = $1 AND run_id = $2 AND open`, [tx.tenantId, r.id]);
    await removeWorkflowJob(tx, r.id);
    r.status = 'cancelled';
    r.status_reason = 'cancelled';
  }
}

const validKey = (key: string) => TEMPLATE_KEY.test(key);
