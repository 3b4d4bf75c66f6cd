import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import { newCampaignValues, parseAudience } from '../../campaign-input.js';
import { CampaignsRepository } from '../../campaigns.repository.js';
import type { CreateCampaignDto } from '../../dtos/campaign.dto.js';
import { toCampaignView } from '../../dtos/campaign.view.js';

/** A new campaign, a draft: template (exactly one of id or key), channel, audience, schedule. */
@Injectable()
export class CreateCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  async execute(p: Principal, dto: CreateCampaignDto, audience: unknown) {
    const values = newCampaignValues(dto, parseAudience(audience, true));
    return toCampaignView(await this.campaigns.uow.tenant(p.tenantId, (tx) => this.campaigns.insert(tx, values, actorOf(p))));
  }
}
