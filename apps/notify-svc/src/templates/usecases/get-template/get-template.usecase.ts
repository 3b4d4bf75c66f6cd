import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { toTemplateView } from '../../dtos/template.view.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** One template of the tenant, its current version (404 otherwise). */
@Injectable()
export class GetTemplateUseCase {
  constructor(private readonly templates: TemplatesRepository) {}

  async execute(p: Principal, id: string) {
    const row = isUuid(id) ? await this.templates.get(p.tenantId!, id) : undefined;
    if (!row) throw AppException.notFound('Template');
    return toTemplateView(row);
  }
}
