import { toIsoTimestamp, type IsoDates } from '#common';
import type { RunRow, RunStepRow, WorkflowRow, WorkflowVersionRow } from '../workflows.repository.js';

export const toWorkflowView = (w: WorkflowRow | IsoDates<WorkflowRow>) => ({
  id: w.id,
  key: w.key,
  name: w.name,
  description: w.description,
  category: w.category,
  steps: w.steps,
  version: w.version,
  createdBy: w.created_by,
  createdAt: toIsoTimestamp(w.created_at)!,
  updatedAt: toIsoTimestamp(w.updated_at)!,
});

export const toWorkflowVersionView = (v: WorkflowVersionRow) => ({
  version: v.version,
  name: v.name,
  description: v.description,
  category: v.category,
  steps: v.steps,
  createdBy: v.created_by,
  createdAt: v.created_at,
});

export const toRunStepView = (s: RunStepRow) => ({
  index: s.idx,
  name: s.name,
  type: s.type,
  status: s.status,
  reason: s.reason,
  deliveryIds: s.delivery_ids,
  detail: s.detail,
  startedAt: s.started_at,
  wakeAt: s.wake_at,
  endedAt: s.ended_at,
});

export const toRunView = (r: RunRow | IsoDates<RunRow>, steps?: RunStepRow[]) => ({
  id: r.id,
  workflowKey: r.workflow_key,
  workflowVersion: r.version,
  recipient: r.recipient,
  data: r.data,
  transactionId: r.transaction_id,
  status: r.status,
  statusReason: r.status_reason,
  currentStep: r.step,
  digest: r.digest ? { count: r.digest.count } : null,
  createdAt: toIsoTimestamp(r.created_at)!,
  updatedAt: toIsoTimestamp(r.updated_at)!,
  endedAt: toIsoTimestamp(r.ended_at),
  ...(steps ? { steps: steps.map(toRunStepView) } : {}),
});
