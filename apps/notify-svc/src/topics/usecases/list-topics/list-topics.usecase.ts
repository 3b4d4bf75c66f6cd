import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { topicView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

@Injectable()
export class ListTopicsUseCase extends TopicsUseCase {
  execute(p: Principal, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const slug = (await this.topics.slugOf(tx)) ?? '';
      return (await this.topics.pageOfTopics(tx, q)).map((t) => topicView(t, slug));
    });
  }
}
