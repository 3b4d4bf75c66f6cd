import { Injectable } from '@nestjs/common';
import { AppException, type Principal, isUuid } from '#common';
import { CHANNEL_REGISTRY, channelsWith } from '../../../channels/channel-registry.js';
import { SendDeliveriesUseCase } from '../../../deliveries/usecases/send-deliveries/send-deliveries.usecase.js';
import { toDeliveryView } from '../../../deliveries/dtos/delivery.view.js';
import type { RecipientDto } from '../../../deliveries/dtos/send-delivery.dto.js';
import type { TestSendTemplateDto } from '../../dtos/template.dto.js';

/** Sends the template to the caller: their email, or their in-app inbox. A real, tracked delivery. */
@Injectable()
export class TestSendTemplateUseCase {
  constructor(private readonly send: SendDeliveriesUseCase) {}

  async execute(p: Principal, id: string, dto: TestSendTemplateDto) {
    if (!isUuid(id)) throw AppException.notFound('Template');
    if (!p.userId) throw AppException.unprocessable('A test send goes to the caller, so it needs a user credential');
    const spec = CHANNEL_REGISTRY[dto.channel];
    if (!spec.testSend) {
      throw AppException.unprocessable('Test sends go to your email or in-app inbox', [
        { field: 'channel', message: `use ${channelsWith('testSend').join(' or ')}` },
      ]);
    }
    let to: RecipientDto = { userId: p.userId };
    if (spec.address === 'email') {
      if (!p.email) throw AppException.unprocessable('Your credential carries no email address');
      to = { userId: p.userId, email: p.email };
    }
    const r = await this.send.execute({
      principal: p,
      content: { channel: dto.channel, templateId: id, data: dto.data, category: 'test' },
      recipients: [{ to }],
      batch: false,
      recipientPath: () => 'to',
    });
    return toDeliveryView(r.deliveries[0]!);
  }
}
