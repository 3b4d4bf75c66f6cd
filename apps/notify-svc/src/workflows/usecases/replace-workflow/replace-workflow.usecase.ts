import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { ReplaceWorkflowDto } from '../../dtos/workflow.dto.js';
import { toWorkflowView } from '../../dtos/workflow.view.js';
import { isWorkflowKey, parseSteps } from '../../workflow-definition.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** Replaces the definition: a new version (runs already started keep theirs). */
@Injectable()
export class ReplaceWorkflowUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, key: string, dto: ReplaceWorkflowDto, rawSteps: unknown) {
    const steps = parseSteps(rawSteps);
    const row = isWorkflowKey(key)
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
}
