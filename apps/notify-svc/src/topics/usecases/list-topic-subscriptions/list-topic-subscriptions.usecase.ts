import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { topicSubscriptionView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class ListTopicSubscriptionsUseCase extends TopicsUseCase {
  execute(p: Principal, topicName: string, q: PaginationQueryDto) {
    return this.inTopic(p, topicName, async (tx, topic) =>
      (await this.topics.pageOfSubscriptions(tx, topic.id, q)).map((s) => topicSubscriptionView(s, topic.name)),
    );
  }
}
