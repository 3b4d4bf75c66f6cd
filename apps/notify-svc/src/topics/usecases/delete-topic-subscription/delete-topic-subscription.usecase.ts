import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { TopicsRepository } from '../../topics.repository.js';

@Injectable()
export class DeleteTopicSubscriptionUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  async execute(p: Principal, topicName: string, id: string): Promise<{ deleted: true }> {
    await this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await this.topics.topicByName(tx, topicName);
      const n = isUuid(id) ? await this.topics.deleteSubscription(tx, topic.id, id) : 0;
      if (n === 0) throw AppException.notFound('Topic subscription');
    });
    return { deleted: true };
  }
}
