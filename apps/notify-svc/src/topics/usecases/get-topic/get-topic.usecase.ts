import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { topicView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class GetTopicUseCase extends TopicsUseCase {
  execute(p: Principal, name: string) {
    return this.inTopic(p, name, async (tx, topic) => topicView(topic, (await this.topics.slugOf(tx))!));
  }
}
