import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { UpdateTopicDto } from '../../dtos/topic.dto.js';
import { topicView } from '../../topic.view.js';
import { TopicsRepository } from '../../topics.repository.js';

@Injectable()
export class UpdateTopicUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  execute(p: Principal, name: string, dto: UpdateTopicDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const t = await this.topics.topicByName(tx, name);
      if (dto.visibility !== undefined) t.visibility = dto.visibility;
      if (dto.description !== undefined) t.description = dto.description;
      t.updated_at = new Date();
      await this.topics.saveTopic(tx, t);
      return topicView(t, (await this.topics.slugOf(tx))!);
    });
  }
}
