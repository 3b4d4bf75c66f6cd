import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import type { UpdateTopicDto } from '../../dtos/topic.dto.js';
import { topicView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class UpdateTopicUseCase extends TopicsUseCase {
  execute(p: Principal, name: string, dto: UpdateTopicDto) {
    return this.inTopic(p, name, async (tx, t) => {
      if (dto.visibility !== undefined) t.visibility = dto.visibility;
      if (dto.description !== undefined) t.description = dto.description;
      t.updated_at = new Date();
      await this.topics.saveTopic(tx, t);
      return topicView(t, (await this.topics.slugOf(tx))!);
    });
  }
}
