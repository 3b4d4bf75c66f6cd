import { Injectable } from '@nestjs/common';
import { AppException, isUuid, type Principal } from '#common';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class DeleteTopicSubscriptionUseCase extends TopicsUseCase {
  async execute(p: Principal, topicName: string, id: string): Promise<{ deleted: true }> {
    await this.inTopic(p, topicName, async (tx, topic) => {
      const n = isUuid(id) ? await this.topics.deleteSubscription(tx, topic.id, id) : 0;
      if (n === 0) throw AppException.notFound('Topic subscription');
    });
    return { deleted: true };
  }
}
