import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { toTemplateVersionView } from '../../dtos/template.view.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** Every version of a template, newest first (404 when it is not the tenant's). */
@Injectable()
export class ListTemplateVersionsUseCase {
  constructor(private readonly templates: TemplatesRepository) {}

  async execute(p: Principal, id: string) {
    const rows = isUuid(id) ? await this.templates.versions(p.tenantId!, id) : [];
    if (!rows.length) throw AppException.notFound('Template');
    return rows.map(toTemplateVersionView);
  }
}
