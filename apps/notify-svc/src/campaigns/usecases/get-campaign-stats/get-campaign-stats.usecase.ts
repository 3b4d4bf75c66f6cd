import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { readCampaign } from '../../campaign-lookup.js';
import { CampaignsRepository } from '../../campaigns.repository.js';
import { toStatsView } from '../../dtos/campaign.view.js';

/** A campaign's progress: its recipients counted by their status and their deliveries'. */
@Injectable()
export class GetCampaignStatsUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, id: string) {
    return readCampaign(this.campaigns, p, id, async (tx, c) => toStatsView(c, await this.campaigns.counts(tx, c.id)));
  }
}
