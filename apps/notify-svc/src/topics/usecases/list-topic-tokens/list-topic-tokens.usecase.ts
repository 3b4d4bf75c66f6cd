import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { topicTokenView } from '../../topic.view.js';
import { TopicsRepository } from '../../topics.repository.js';

@Injectable()
export class ListTopicTokensUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  execute(p: Principal, topicName: string, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await this.topics.topicByName(tx, topicName);
      return (await this.topics.pageOfTokens(tx, topic.id, q)).map((k) => topicTokenView(k, topic.name));
    });
  }
}
