import { Injectable, Logger } from '@nestjs/common';
import { TopicsRepository } from '../../topics.repository.js';

/** Retention: messages past TOPIC_RETENTION (their expires_at) are deleted; run by the workers' cron every 5 minutes. */
@Injectable()
export class PurgeTopicMessagesUseCase {
  private readonly log = new Logger('TopicRetention');

  constructor(private readonly topics: TopicsRepository) {}

  async execute(): Promise<{ deleted: number }> {
    const deleted = await this.topics.purgeExpired();
    if (deleted) this.log.log(`purged ${deleted} expired topic message(s)`);
    return { deleted };
  }
}
