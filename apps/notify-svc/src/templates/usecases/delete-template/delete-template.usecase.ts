import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { TemplatesRepository } from '../../templates.repository.js';

/** Deletes a template (admin); deliveries keep what they rendered. */
@Injectable()
export class DeleteTemplateUseCase {
  constructor(private readonly templates: TemplatesRepository) {}

  async execute(p: Principal, id: string): Promise<{ deleted: true }> {
    if (!isUuid(id) || !(await this.templates.remove(p.tenantId!, id))) throw AppException.notFound('Template');
    return { deleted: true };
  }
}
