import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateTemplateDto } from '../../dtos/template.dto.js';
import { toTemplateView } from '../../dtos/template.view.js';
import { checkTemplateChannels, plainChannels } from '../../template-channels.js';
import { TemplateRenderer } from '../../template-renderer.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** A new template, version 1 (at least one channel; each channel's content compiles). */
@Injectable()
export class CreateTemplateUseCase {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
  ) {}

  async execute(p: Principal, dto: CreateTemplateDto) {
    await checkTemplateChannels(this.renderer, dto.channels, true);
    return toTemplateView(await this.templates.create(p.tenantId!, { ...dto, channels: plainChannels(dto.channels) }, actorOf(p)));
  }
}
