import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { ContactsRepository } from '../../../contacts/contacts.repository.js';
import { JobQueue, TASK } from '../../../jobs/job-queue.js';
import { TemplatesRepository } from '../../../templates/templates.repository.js';
import { changeCampaign } from '../../campaign-lookup.js';
import { CampaignStatePolicy } from '../../campaign-state.js';
import { CampaignsRepository } from '../../campaigns.repository.js';

/**
 * Launch: pins the template version, checks the audience's groups (422 naming the unknown one) and
 * adds the expansion job in the same transaction as the status change.
 */
@Injectable()
export class LaunchCampaignUseCase {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly contacts: ContactsRepository,
    private readonly templates: TemplatesRepository,
    private readonly queue: JobQueue,
  ) {}

  execute(p: Principal, id: string) {
    return changeCampaign(this.campaigns, p, id, 'launch', async (tx, c) => {
      const t = await this.templates.find(tx, { id: c.template_id ?? undefined, key: c.template_key ?? undefined });
      if (!t) {
        throw AppException.unprocessable('The campaign template does not exist', [
          { field: c.template_id ? 'templateId' : 'templateKey', messages: ['no template of this tenant has it'] },
        ]);
      }
      if (!t.channels[c.channel]) {
        throw AppException.unprocessable(`Template "${t.key}" has no ${c.channel} content`, [
          { field: 'channel', messages: [`the template has no ${c.channel} content`] },
        ]);
      }
      for (const [i, g] of (c.audience.groupIds ?? []).entries()) {
        if (!(await this.contacts.findGroup(tx, g))) {
          throw AppException.unprocessable('The audience names a group that does not exist', [
            { field: `audience.groupIds.${i}`, messages: ['unknown group'] },
          ]);
        }
      }
      const status = CampaignStatePolicy.after(c.status, 'launch', { immediate: c.schedule.kind === 'now' });
      const row = await this.campaigns.setStatus(tx, c.id, status, {
        template_id: t.id,
        template_key: t.key,
        template_version: t.version,
        plan_tier: p.planTier,
        launched: true,
      });
      await this.queue.enqueueCampaign(tx, TASK.campaignExpand, c.id);
      return row;
    });
  }
}
