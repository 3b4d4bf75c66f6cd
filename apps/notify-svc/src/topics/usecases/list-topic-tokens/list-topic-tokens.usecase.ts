import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { topicTokenView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class ListTopicTokensUseCase extends TopicsUseCase {
  execute(p: Principal, topicName: string, q: PaginationQueryDto) {
    return this.inTopic(p, topicName, async (tx, topic) =>
      (await this.topics.pageOfTokens(tx, topic.id, q)).map((k) => topicTokenView(k, topic.name)),
    );
  }
}
