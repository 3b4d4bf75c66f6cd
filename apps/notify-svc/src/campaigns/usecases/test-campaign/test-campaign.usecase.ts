import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { toDeliveryView } from '../../../deliveries/dtos/delivery.view.js';
import { SendDeliveriesUseCase } from '../../../deliveries/usecases/send-deliveries/send-deliveries.usecase.js';
import { loadCampaign } from '../../campaign-lookup.js';
import { CampaignsRepository } from '../../campaigns.repository.js';
import type { TestSendDto } from '../../dtos/campaign.dto.js';

/** One delivery of the campaign's template (its current version) to one address, through the normal accept path. */
@Injectable()
export class TestCampaignUseCase {
  constructor(
    private readonly campaigns: CampaignsRepository,
    private readonly sender: SendDeliveriesUseCase,
  ) {}

  async execute(p: Principal, id: string, dto: TestSendDto) {
    const c = await this.campaigns.uow.tenant(p.tenantId, (tx) => loadCampaign(this.campaigns, tx, id, 'test', false), { readOnly: true });
    const result = await this.sender.execute({
      principal: p,
      content: {
        channel: c.channel,
        ...(c.template_id ? { templateId: c.template_id } : { templateKey: c.template_key! }),
        data: { ...(c.data ?? {}), contact: { name: null, email: dto.to.email ?? null, phone: dto.to.phone ?? null, attributes: {} } },
        ...(c.category ? { category: c.category } : {}),
      },
      recipients: [{ to: { ...dto.to } }],
      batch: false,
      recipientPath: () => 'to',
    });
    return toDeliveryView(result.deliveries[0]!);
  }
}
