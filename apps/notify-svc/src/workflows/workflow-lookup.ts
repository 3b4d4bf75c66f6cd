import { AppException } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import { isWorkflowKey } from './workflow-definition.js';
import type { WorkflowRow, WorkflowsRepository } from './workflows.repository.js';

/** The tenant's workflow with this key; 404 when there is none (or the key could name none). */
export async function loadWorkflow(workflows: WorkflowsRepository, tx: Tx, key: string): Promise<WorkflowRow> {
  const w = isWorkflowKey(key) ? await workflows.find(tx, key) : undefined;
  if (!w) throw AppException.notFound('Workflow');
  return w;
}
