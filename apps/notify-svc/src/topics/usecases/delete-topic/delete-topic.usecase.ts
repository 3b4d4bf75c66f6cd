import { Inject, Injectable } from '@nestjs/common';
import { LIVE_BUS, type LiveBus, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { topicBusKey } from '../../topic-names.js';
import { TopicsRepository } from '../../topics.repository.js';
import { TopicsUseCase } from '../topics-use-case.js';

/** Deletes the topic with its messages and tokens; its open streams end on every instance. */
@Injectable()
export class DeleteTopicUseCase extends TopicsUseCase {
  constructor(
    uow: UnitOfWork,
    topics: TopicsRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {
    super(uow, topics);
  }

  async execute(p: Principal, name: string): Promise<{ deleted: true }> {
    const id = await this.inTopic(p, name, async (tx, t) => {
      await this.topics.deleteTopic(tx, t.id);
      return t.id;
    });
    await this.bus.publish(topicBusKey(id), { kind: 'deleted' }).catch(() => undefined);
    return { deleted: true };
  }
}
