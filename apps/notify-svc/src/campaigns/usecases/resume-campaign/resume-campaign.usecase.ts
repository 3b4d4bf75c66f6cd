import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { JobQueue, TASK } from '../../../jobs/job-queue.js';
import { changeCampaign } from '../../campaign-lookup.js';
import { CampaignStatePolicy } from '../../campaign-state.js';
import { CampaignsRepository } from '../../campaigns.repository.js';

/** Resume: running again, and the send job added in the same transaction. */
@Injectable()
export class ResumeCampaignUseCase {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly queue: JobQueue,
  ) {}

  execute(p: Principal, id: string) {
    return changeCampaign(this.campaigns, p, id, 'resume', async (tx, c) => {
      const row = await this.campaigns.setStatus(tx, c.id, CampaignStatePolicy.after(c.status, 'resume'));
      await this.queue.enqueueCampaign(tx, TASK.campaignSend, c.id);
      return row;
    });
  }
}
