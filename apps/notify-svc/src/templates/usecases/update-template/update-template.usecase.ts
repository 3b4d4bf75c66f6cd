import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { UpdateTemplateDto } from '../../dtos/template.dto.js';
import { toTemplateView } from '../../dtos/template.view.js';
import { checkTemplateChannels, plainChannels } from '../../template-channels.js';
import { TemplateRenderer } from '../../template-renderer.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** Edits a template (PUT and PATCH alike): each edit is a new version. */
@Injectable()
export class UpdateTemplateUseCase {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
  ) {}

  async execute(p: Principal, id: string, dto: UpdateTemplateDto) {
    if (dto.channels) await checkTemplateChannels(this.renderer, dto.channels, false);
    if (dto.name === undefined && dto.description === undefined && dto.channels === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give name, description or channels'] }]);
    }
    const row = isUuid(id)
      ? await this.templates.update(
          p.tenantId!,
          id,
          { ...dto, channels: dto.channels ? plainChannels(dto.channels) : undefined },
          actorOf(p),
        )
      : undefined;
    if (!row) throw AppException.notFound('Template');
    return toTemplateView(row);
  }
}
