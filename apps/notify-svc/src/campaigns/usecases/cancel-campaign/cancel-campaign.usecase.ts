import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { changeCampaign } from '../../campaign-lookup.js';
import { CampaignStatePolicy } from '../../campaign-state.js';
import { CampaignsRepository } from '../../campaigns.repository.js';

/** Cancel: no more deliveries; the recipients still waiting become cancelled (counted as skipped). */
@Injectable()
export class CancelCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, id: string) {
    return changeCampaign(this.campaigns, p, id, 'cancel', async (tx, c) => {
      await this.campaigns.cancelPendingRecipients(tx, c.id);
      return this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'cancel'), { cancelled: true });
    });
  }
}
