import { Inject, Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { normalizePhone } from '../../../deliveries/policy/addresses.js';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateTopicSubscriptionDto } from '../../dtos/topic.dto.js';
import type { TopicSubscriptionChannel } from '../../entities/topic.entity.js';
import { topicSubscriptionView } from '../../topic.view.js';
import { TopicsRepository } from '../../topics.repository.js';
import { TopicsUseCase } from '../topics-use-case.js';

const ADDRESS: Record<TopicSubscriptionChannel, 'email' | 'phone' | 'deviceToken' | 'endpointId'> = {
  email: 'email',
  sms: 'phone',
  push: 'deviceToken',
  webhook: 'endpointId',
};

/**
 * Forwards a topic's messages to a recipient by email, SMS, push or webhook. Webhooks only to an
 * endpoint registered through /webhook-endpoints (its URL passed the SSRF guard there, and passes
 * it again at every send). Each message becomes ordinary deliveries (PublishTopicMessageUseCase),
 * so preferences, suppressions and quotas apply as to any send.
 */
@Injectable()
export class CreateTopicSubscriptionUseCase extends TopicsUseCase {
  constructor(
    uow: UnitOfWork,
    topics: TopicsRepository,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {
    super(uow, topics);
  }

  execute(p: Principal, topicName: string, dto: CreateTopicSubscriptionDto) {
    return this.inTopic(p, topicName, async (tx, topic) => {
      const recipient = await this.recipient(tx, dto);
      const saved = await this.topics.insertSubscription(tx, { topicId: topic.id, channel: dto.channel, recipient, createdBy: actorOf(p) });
      return topicSubscriptionView(saved, topic.name);
    });
  }

  private async recipient(tx: Tx, dto: CreateTopicSubscriptionDto): Promise<Record<string, string>> {
    const to = dto.to;
    const out: Record<string, string> = {};
    if (to.userId) out.userId = to.userId;
    if (dto.channel === 'webhook') {
      const endpoint = await this.topics.webhookEndpoint(tx, to);
      if (!endpoint) {
        throw AppException.unprocessable('Webhooks go to registered endpoints only (POST /webhook-endpoints)', [
          { field: 'to.endpointId', messages: ['must name a registered webhook endpoint'] },
        ]);
      }
      out.endpointId = endpoint.id;
      return out;
    }
    const field = ADDRESS[dto.channel];
    const value = to[field];
    if (!value)
      throw AppException.validation(`to.${field} is required for ${dto.channel}`, [
        { field: `to.${field}`, messages: [`required for ${dto.channel}`] },
      ]);
    if (field === 'phone') {
      // The same rule as a send: a subscription's number is valid and kept in E.164, so a publish never trips on it.
      const phone = normalizePhone(value, this.config.SMS_DEFAULT_REGION);
      if (!phone.ok) throw AppException.validation('Invalid phone number', [{ field: 'to.phone', messages: [`phone ${phone.problem}`] }]);
      out[field] = phone.e164;
      return out;
    }
    out[field] = value;
    return out;
  }
}
