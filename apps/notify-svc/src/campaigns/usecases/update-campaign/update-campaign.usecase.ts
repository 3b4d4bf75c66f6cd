import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { parseAudience, templateSource, toSchedule } from '../../campaign-input.js';
import { changeCampaign } from '../../campaign-lookup.js';
import { CampaignsRepository, type CampaignValues } from '../../campaigns.repository.js';
import type { UpdateCampaignDto } from '../../dtos/campaign.dto.js';

/** Changes a draft campaign (409 once launched): absent fields are kept; a template given replaces both id and key. */
@Injectable()
export class UpdateCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, id: string, dto: UpdateCampaignDto, audience: unknown) {
    const parsed = parseAudience(audience, false);
    return changeCampaign(this.campaigns, p, id, 'edit', async (tx, c) => {
      const hasTemplate = dto.templateId !== undefined || dto.templateKey !== undefined;
      const merged: CampaignValues = {
        name: dto.name?.trim() ?? c.name,
        channel: c.channel,
        template_id: hasTemplate ? (dto.templateId ?? null) : c.template_id,
        template_key: hasTemplate ? (dto.templateKey ?? null) : c.template_key,
        category: dto.category ?? c.category,
        data: dto.data ?? c.data,
        audience: parsed ?? c.audience,
        schedule: dto.schedule ? toSchedule(dto.schedule) : c.schedule,
        max_per_minute: dto.maxPerMinute !== undefined ? dto.maxPerMinute : c.max_per_minute,
      };
      if (merged.template_id && merged.template_key) throw templateSource();
      return (await this.campaigns.update(tx, c.id, merged))!;
    });
  }
}
