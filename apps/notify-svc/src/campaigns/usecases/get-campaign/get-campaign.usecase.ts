import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { readCampaign } from '../../campaign-lookup.js';
import { CampaignsRepository } from '../../campaigns.repository.js';
import { toCampaignView } from '../../dtos/campaign.view.js';

/** One campaign of the tenant (404 otherwise). */
@Injectable()
export class GetCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, id: string) {
    return readCampaign(this.campaigns, p, id, (_tx, c) => toCampaignView(c));
  }
}
