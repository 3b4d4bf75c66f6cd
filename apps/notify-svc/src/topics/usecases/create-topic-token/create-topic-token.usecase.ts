import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import type { CreateTopicTokenDto } from '../../dtos/topic.dto.js';
import { topicTokenView } from '../../topic.view.js';
import { newTopicToken } from '../../topic-tokens.js';
import { TopicsUseCase } from '../topics-use-case.js';

/**
 * An access token of one topic (read, write or read_write), for third parties that get this topic
 * and nothing else. The token is returned once.
 */
@Injectable()
export class CreateTopicTokenUseCase extends TopicsUseCase {
  execute(p: Principal, topicName: string, dto: CreateTopicTokenDto) {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw AppException.validation('expiresAt must be in the future', [{ field: 'expiresAt', messages: ['must be in the future'] }]);
    }
    return this.inTopic(p, topicName, async (tx, topic) => {
      const { token, hash, prefix } = newTopicToken();
      const saved = await this.topics.insertToken(tx, {
        topic_id: topic.id,
        name: dto.name,
        token_hash: hash,
        token_prefix: prefix,
        access_level: dto.accessLevel,
        plan_tier: p.planTier,
        expires_at: expiresAt,
        created_by: actorOf(p),
      });
      return { ...topicTokenView(saved, topic.name), token };
    });
  }
}
