import { Inject, Injectable } from '@nestjs/common';
import { LIVE_BUS, type LiveBus, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { topicBusKey } from '../../topic-names.js';
import { TopicsRepository } from '../../topics.repository.js';

/** Deletes the topic with its messages and tokens; its open streams end on every instance. */
@Injectable()
export class DeleteTopicUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {}

  async execute(p: Principal, name: string): Promise<{ deleted: true }> {
    const id = await this.uow.tenant(p.tenantId, async (tx) => {
      const t = await this.topics.topicByName(tx, name);
      await this.topics.deleteTopic(tx, t.id);
      return t.id;
    });
    await this.bus.publish(topicBusKey(id), { kind: 'deleted' }).catch(() => undefined);
    return { deleted: true };
  }
}
