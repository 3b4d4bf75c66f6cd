import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { topicView } from '../../topic.view.js';
import { TopicsRepository } from '../../topics.repository.js';

@Injectable()
export class GetTopicUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  execute(p: Principal, name: string) {
    return this.uow.tenant(p.tenantId, async (tx) => topicView(await this.topics.topicByName(tx, name), (await this.topics.slugOf(tx))!));
  }
}
