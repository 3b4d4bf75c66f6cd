import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { toTemplateView } from '../../dtos/template.view.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** The tenant's templates, paged. */
@Injectable()
export class ListTemplatesUseCase {
  constructor(private readonly templates: TemplatesRepository) {}

  async execute(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return (await this.templates.list(p.tenantId!, limit, cursor)).map(toTemplateView);
  }
}
