import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, type Principal } from '#common';
import { CampaignsRepository } from '../../campaigns.repository.js';
import { toCampaignView } from '../../dtos/campaign.view.js';

/** The tenant's campaigns, newest first, paged. */
@Injectable()
export class ListCampaignsUseCase {
  constructor(private readonly campaigns: CampaignsRepository) {}

  execute(p: Principal, limit?: number, cursor?: string) {
    return this.campaigns.uow.tenant(
      p.tenantId,
      async (tx) => (await this.campaigns.list(tx, limit ?? DEFAULT_PAGE_LIMIT, cursor)).map(toCampaignView),
      { readOnly: true },
    );
  }
}
