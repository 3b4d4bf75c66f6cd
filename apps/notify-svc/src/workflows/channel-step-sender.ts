import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import type { RecipientDto } from '../deliveries/dtos/send-delivery.dto.js';
import { SendDeliveriesUseCase } from '../deliveries/usecases/send-deliveries/send-deliveries.usecase.js';
import type { DeliveryRow } from '../deliveries/deliveries.repository.js';
import type { Channel } from '../channels/channel-registry.js';

export interface ChannelStepSend {
  principal: Principal;
  channel: Channel;
  to: RecipientDto;
  templateKey?: string;
  content?: { subject?: string; body: string };
  data: Record<string, unknown>;
  category: string;
}

/**
 * A workflow's channel step goes through the one accept path of notify-svc: SendDeliveriesUseCase
 * (contacts resolved to addresses) hands it to the AcceptPipeline (render, suppressions,
 * preferences, quota, insert, enqueue). It is called inside the step's own tenant transaction,
 * which its unit of work joins, so the delivery, its job and the run's move to the next step
 * commit together.
 */
@Injectable()
export class ChannelStepSender {
  constructor(private readonly send: SendDeliveriesUseCase) {}

  async deliver(s: ChannelStepSend): Promise<DeliveryRow[]> {
    const r = await this.send.execute({
      principal: s.principal,
      content: {
        channel: s.channel,
        ...(s.templateKey !== undefined ? { templateKey: s.templateKey } : { subject: s.content?.subject, body: s.content?.body }),
        data: s.data,
        category: s.category,
      },
      recipients: [{ to: s.to }],
      batch: false,
      recipientPath: () => 'to',
    });
    return r.deliveries;
  }
}
