import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { UnitOfWork } from '../../database/unit-of-work.js';
import { TopicsRepository, type TopicMessageRow, type TopicRow } from '../topics.repository.js';

interface AfterAsk {
  topic: TopicRow;
  after: string;
  limit: number;
}

/**
 * The live streams' reads of a topic's new messages: one query for all the streams of this process
 * that ask the same question in the same turn of the event loop. A publish signals every stream of
 * its topic at once, and each of them read the new message in a read transaction of its own: ten
 * subscribers, ten transactions a message (docs/benchmarks.md, topic publishes).
 * DataLoader gathers the asks of one turn and nothing is cached beyond it, so each query starts
 * after every ask it answers: a stream signalled for a committed message always reads it.
 */
@Injectable()
export class TopicReads {
  private readonly after = new DataLoader<AfterAsk, TopicMessageRow[] | Error, AfterAsk>((asks) => this.answer(asks), {
    cache: false,
  });

  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
  ) {}

  /** The topic's retained messages after `after` (a seq), oldest first, at most `limit`. Rows are shared: read, never change them. */
  async messagesAfter(topic: TopicRow, after: string, limit: number): Promise<readonly TopicMessageRow[]> {
    const rows = await this.after.load({ topic, after, limit });
    if (rows instanceof Error) throw rows;
    return rows;
  }

  private answer(asks: readonly AfterAsk[]): Promise<Array<TopicMessageRow[] | Error>> {
    const queries = new Map<string, Promise<TopicMessageRow[] | Error>>();
    return Promise.all(
      asks.map(({ topic, after, limit }) => {
        const key = `${topic.id}:${after}:${limit}`;
        let query = queries.get(key);
        if (!query) {
          query = this.uow
            .tenant(topic.tenant_id, (tx) => this.topics.messagesAfter(tx, topic.id, after, limit), { readOnly: true })
            // One topic's failure is its own streams' only.
            .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
          queries.set(key, query);
        }
        return query;
      }),
    );
  }
}
