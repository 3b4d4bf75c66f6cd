import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateTopicDto } from '../../dtos/topic.dto.js';
import { topicView } from '../../topic.view.js';
import { TopicsUseCase } from '../topics-use-case.js';

/** Names are unique per tenant; the public path uses the tenant's slug, made with its first topic. */
@Injectable()
export class CreateTopicUseCase extends TopicsUseCase {
  execute(p: Principal, dto: CreateTopicDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      if (await this.topics.topicNameTaken(tx, dto.name)) {
        throw AppException.conflict('A topic with this name exists', [{ field: 'name', messages: ['already taken in this tenant'] }]);
      }
      const slug = await this.topics.ensureSlug(tx);
      const topic = await this.topics.insertTopic(tx, {
        name: dto.name,
        visibility: dto.visibility,
        description: dto.description ?? null,
        createdBy: actorOf(p),
      });
      return topicView(topic, slug);
    });
  }
}
