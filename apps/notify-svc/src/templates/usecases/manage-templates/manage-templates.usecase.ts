import { Injectable } from '@nestjs/common';
import { AppException, DEFAULT_PAGE_LIMIT, type Principal, isUuid } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateTemplateDto, TemplateChannelsDto, UpdateTemplateDto } from '../../dtos/template.dto.js';
import { toTemplateVersionView, toTemplateView } from '../../dtos/template.view.js';
import { TemplateRenderer } from '../../template-renderer.js';
import { TemplatesRepository } from '../../templates.repository.js';

/** Create, read, edit (each edit is a new version) and delete the tenant's templates. */
@Injectable()
export class ManageTemplatesUseCase {
  constructor(
    private readonly templates: TemplatesRepository,
    private readonly renderer: TemplateRenderer,
  ) {}

  async create(p: Principal, dto: CreateTemplateDto) {
    await this.checkChannels(dto.channels, true);
    return toTemplateView(await this.templates.create(p.tenantId!, { ...dto, channels: plain(dto.channels) }, actorOf(p)));
  }

  async update(p: Principal, id: string, dto: UpdateTemplateDto) {
    if (dto.channels) await this.checkChannels(dto.channels, false);
    if (dto.name === undefined && dto.description === undefined && dto.channels === undefined) {
      throw AppException.validation('Nothing to change', [{ field: 'body', messages: ['give name, description or channels'] }]);
    }
    const row = isUuid(id)
      ? await this.templates.update(p.tenantId!, id, { ...dto, channels: dto.channels ? plain(dto.channels) : undefined }, actorOf(p))
      : undefined;
    if (!row) throw AppException.notFound('Template');
    return toTemplateView(row);
  }

  async remove(p: Principal, id: string): Promise<{ deleted: true }> {
    if (!isUuid(id) || !(await this.templates.remove(p.tenantId!, id))) throw AppException.notFound('Template');
    return { deleted: true };
  }

  async get(p: Principal, id: string) {
    const row = isUuid(id) ? await this.templates.get(p.tenantId!, id) : undefined;
    if (!row) throw AppException.notFound('Template');
    return toTemplateView(row);
  }

  async list(p: Principal, limit = DEFAULT_PAGE_LIMIT, cursor?: string) {
    return (await this.templates.list(p.tenantId!, limit, cursor)).map(toTemplateView);
  }

  async versions(p: Principal, id: string) {
    const rows = isUuid(id) ? await this.templates.versions(p.tenantId!, id) : [];
    if (!rows.length) throw AppException.notFound('Template');
    return rows.map(toTemplateVersionView);
  }

  private async checkChannels(channels: TemplateChannelsDto, requireOne: boolean): Promise<void> {
    const entries = Object.entries(channels).filter(([, v]) => v !== undefined && v !== null) as Array<[string, Record<string, unknown>]>;
    if (requireOne && !entries.length)
      throw AppException.validation('A template needs at least one channel', [
        { field: 'channels', messages: ['at least one channel is required'] },
      ]);
    if (channels.email && !channels.email.text && !channels.email.html) {
      throw AppException.validation('Email content needs text or html', [
        { field: 'channels.email', messages: ['text or html is required'] },
      ]);
    }
    for (const [name, content] of entries) await this.renderer.validate(content, `channels.${name}`);
  }
}

/** DTO instances to plain JSON without undefined members. */
function plain(c: TemplateChannelsDto): Record<string, Record<string, string>> {
  return JSON.parse(JSON.stringify(c)) as Record<string, Record<string, string>>;
}
