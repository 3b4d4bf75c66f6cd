import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, LIVE_BUS, type LiveBus, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { TOPIC_TOKENS_BUS_KEY } from '../../topic-names.js';
import { TopicsRepository } from '../../topics.repository.js';
import { TopicsUseCase } from '../topics-use-case.js';

/**
 * A revoked token is refused at once (the lookup is by hash, uncached) and its open streams end on
 * every instance (a live-bus signal).
 */
@Injectable()
export class RevokeTopicTokenUseCase extends TopicsUseCase {
  constructor(
    uow: UnitOfWork,
    topics: TopicsRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {
    super(uow, topics);
  }

  async execute(p: Principal, topicName: string, id: string): Promise<{ revoked: true }> {
    await this.inTopic(p, topicName, async (tx, topic) => {
      const n = isUuid(id) ? await this.topics.deleteToken(tx, topic.id, id) : 0;
      if (n === 0) throw AppException.notFound('Topic token');
    });
    await this.bus.publish(TOPIC_TOKENS_BUS_KEY, { id }).catch(() => undefined);
    return { revoked: true };
  }
}
