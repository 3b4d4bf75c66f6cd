import { Injectable } from '@nestjs/common';
import type { Principal } from '#common';
import { UnitOfWork, type Tx } from '../../database/unit-of-work.js';
import type { Topic } from '../entities/topic.entity.js';
import { TopicsRepository } from '../topics.repository.js';

/** The base of the topic management use cases: the unit of work, the repository, and one topic of the tenant by name (or 404). */
@Injectable()
export abstract class TopicsUseCase {
  constructor(
    protected readonly uow: UnitOfWork,
    protected readonly topics: TopicsRepository,
  ) {}

  protected inTopic<T>(p: Principal, name: string, work: (tx: Tx, topic: Topic) => Promise<T>): Promise<T> {
    return this.uow.tenant(p.tenantId, async (tx) => work(tx, await this.topics.topicByName(tx, name)));
  }
}
