import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { loadCampaign } from '../../campaign-lookup.js';
import { CampaignsRepository } from '../../campaigns.repository.js';

/** Deletes a draft, completed or cancelled campaign (409 while scheduled, running or paused). */
@Injectable()
export class DeleteCampaignUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  async execute(p: Principal, id: string) {
    await this.campaigns.uow.tenant(p.tenantId, async (tx) => {
      const c = await loadCampaign(this.campaigns, tx, id, 'delete');
      await this.campaigns.remove(tx, c.id);
    });
    return { deleted: true };
  }
}
