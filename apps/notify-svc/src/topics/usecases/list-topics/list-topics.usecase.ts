import { Injectable } from '@nestjs/common';
import type { PaginationQueryDto, Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { topicView } from '../../topic.view.js';
import { TopicsRepository } from '../../topics.repository.js';

@Injectable()
export class ListTopicsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  execute(p: Principal, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const slug = (await this.topics.slugOf(tx)) ?? '';
      return (await this.topics.pageOfTopics(tx, q)).map((t) => topicView(t, slug));
    });
  }
}
