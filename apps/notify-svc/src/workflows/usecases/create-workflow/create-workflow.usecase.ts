import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateWorkflowDto } from '../../dtos/workflow.dto.js';
import { toWorkflowView } from '../../dtos/workflow.view.js';
import { parseSteps } from '../../workflow-definition.js';
import { WorkflowsRepository } from '../../workflows.repository.js';

/** A new workflow, version 1 (409 when the tenant already has its key). */
@Injectable()
export class CreateWorkflowUseCase {
  constructor(private readonly workflows: WorkflowsRepository) {}

  async execute(p: Principal, dto: CreateWorkflowDto, rawSteps: unknown) {
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
}
