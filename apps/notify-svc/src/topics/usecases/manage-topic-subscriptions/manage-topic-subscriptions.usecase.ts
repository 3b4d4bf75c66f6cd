import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, paginate, type PaginationQueryDto, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { normalizePhone } from '../../../deliveries/policy/addresses.js';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { WebhookEndpoint } from '../../../webhook-endpoints/webhook-endpoint.entity.js';
import type { CreateTopicSubscriptionDto } from '../../dtos/topic.dto.js';
import { TopicSubscription, type TopicSubscriptionChannel } from '../../entities/topic.entity.js';
import { topicByName } from '../manage-topics/manage-topics.usecase.js';

const ADDRESS: Record<TopicSubscriptionChannel, 'email' | 'phone' | 'deviceToken' | 'endpointId'> = {
  email: 'email',
  sms: 'phone',
  push: 'deviceToken',
  webhook: 'endpointId',
};

const view = (s: TopicSubscription, topic: string) => ({
  id: s.id,
  topic,
  channel: s.channel,
  to: s.recipient,
  createdBy: s.created_by,
  createdAt: s.created_at,
});

/**
 * Who a topic's messages are forwarded to by email, SMS, push or webhook. Webhooks only to an
 * endpoint registered through /webhook-endpoints (its URL passed the SSRF guard there, and passes
 * it again at every send). Each message becomes ordinary deliveries (PublishTopicMessageUseCase),
 * so preferences, suppressions and quotas apply as to any send.
 */
@Injectable()
export class ManageTopicSubscriptionsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  create(p: Principal, topicName: string, dto: CreateTopicSubscriptionDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const recipient = await this.recipient(tx, dto);
      const repo = tx.repo(TopicSubscription);
      const saved = await repo.save(
        repo.create({ tenant_id: tx.tenantId, topic_id: topic.id, channel: dto.channel, recipient, created_by: actorOf(p) }),
      );
      return view(await repo.findOneByOrFail({ id: saved.id }), topic.name);
    });
  }

  list(p: Principal, topicName: string, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const qb = tx
        .repo(TopicSubscription)
        .createQueryBuilder('s')
        .where('s.tenant_id = :tenantId AND s.topic_id = :topicId', { tenantId: tx.tenantId, topicId: topic.id });
      return (await paginate(qb, q, { sortColumn: 's.created_at', idColumn: 's.id' })).map((s) => view(s, topic.name));
    });
  }

  async remove(p: Principal, topicName: string, id: string): Promise<{ deleted: true }> {
    await this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const n = isUuid(id) ? await tx.exec('DELETE FROM topic_subscriptions WHERE id = $1 AND topic_id = $2', [id, topic.id]) : 0;
      if (n === 0) throw AppException.notFound('Topic subscription');
    });
    return { deleted: true };
  }

  private async recipient(tx: Tx, dto: CreateTopicSubscriptionDto): Promise<Record<string, string>> {
    const to = dto.to;
    const out: Record<string, string> = {};
    if (to.userId) out.userId = to.userId;
    if (dto.channel === 'webhook') {
      const endpoint = to.endpointId
        ? await tx.repo(WebhookEndpoint).findOneBy({ tenant_id: tx.tenantId, id: to.endpointId })
        : to.url
          ? await tx.repo(WebhookEndpoint).findOneBy({ tenant_id: tx.tenantId, url: to.url })
          : null;
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
