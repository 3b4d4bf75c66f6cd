import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import type { PreviewTemplateDto } from '../../dtos/template.dto.js';
import { TemplateRenderer } from '../../template-renderer.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** Renders a template (any version) with sample data, exactly as a send would; nothing is stored. */
@Injectable()
export class PreviewTemplateUseCase {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
  ) {}

  async execute(p: Principal, id: string, dto: PreviewTemplateDto) {
    if (!isUuid(id)) throw AppException.notFound('Template');
    const t = dto.version ? await this.templates.version(p.tenantId!, id, dto.version) : await this.templates.get(p.tenantId!, id);
    if (!t) throw AppException.notFound(dto.version ? 'Template version' : 'Template');
    const content = t.channels[dto.channel];
    if (!content) throw AppException.unprocessable(`Template has no ${dto.channel} content`);
    await this.renderer.prepare(content);
    return { channel: dto.channel, version: t.version, rendered: this.renderer.render(content, dto.data ?? {}) };
  }
}
