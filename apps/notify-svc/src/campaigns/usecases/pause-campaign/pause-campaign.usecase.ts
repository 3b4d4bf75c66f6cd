import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { changeCampaign } from '../../campaign-lookup.js';
import { CampaignStatePolicy } from '../../campaign-state.js';
import { CampaignsRepository } from '../../campaigns.repository.js';

/** Pause: the send job stops taking recipients (deliveries already made go out). */
@Injectable()
export class PauseCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, id: string) {
    return changeCampaign(this.campaigns, p, id, 'pause', (tx, c) =>
      this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'pause')),
    );
  }
}
