import { Inject, Injectable } from '@nestjs/common';
import { AppException, isUuid, LIVE_BUS, paginate, type LiveBus, type PaginationQueryDto, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import type { CreateTopicTokenDto } from '../../dtos/topic.dto.js';
import { TopicAccessToken } from '../../entities/topic.entity.js';
import { TOPIC_TOKENS_BUS_KEY } from '../../topic-names.js';
import { newTopicToken } from '../../topic-tokens.js';
import { topicByName } from '../manage-topics/manage-topics.usecase.js';

const view = (t: TopicAccessToken, topic: string) => ({
  id: t.id,
  topic,
  name: t.name,
  accessLevel: t.access_level,
  tokenPrefix: t.token_prefix,
  expiresAt: t.expires_at,
  lastUsedAt: t.last_used_at,
  createdBy: t.created_by,
  createdAt: t.created_at,
});

/**
 * Access tokens of one topic (read, write or read_write), for third parties that get this topic
 * and nothing else. The token is returned once; a revoked one is refused at once (the lookup is
 * by hash, uncached) and its open streams end on every instance (a live-bus signal).
 */
@Injectable()
export class ManageTopicTokensUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {}

  create(p: Principal, topicName: string, dto: CreateTopicTokenDto) {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw AppException.validation('expiresAt must be in the future', [{ field: 'expiresAt', messages: ['must be in the future'] }]);
    }
    return this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const { token, hash, prefix } = newTopicToken();
      const repo = tx.repo(TopicAccessToken);
      const saved = await repo.save(
        repo.create({
          tenant_id: tx.tenantId,
          topic_id: topic.id,
          name: dto.name,
          token_hash: hash,
          token_prefix: prefix,
          access_level: dto.accessLevel,
          plan_tier: p.planTier,
          expires_at: expiresAt,
          last_used_at: null,
          created_by: actorOf(p),
        }),
      );
      return { ...view(await repo.findOneByOrFail({ id: saved.id }), topic.name), token };
    });
  }

  list(p: Principal, topicName: string, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const qb = tx
        .repo(TopicAccessToken)
        .createQueryBuilder('k')
        .where('k.tenant_id = :tenantId AND k.topic_id = :topicId', { tenantId: tx.tenantId, topicId: topic.id });
      return (await paginate(qb, q, { sortColumn: 'k.created_at', idColumn: 'k.id' })).map((k) => view(k, topic.name));
    });
  }

  async revoke(p: Principal, topicName: string, id: string): Promise<{ revoked: true }> {
    await this.uow.tenant(p.tenantId, async (tx) => {
      const topic = await topicByName(tx, topicName);
      const n = isUuid(id) ? await tx.exec('DELETE FROM topic_access_tokens WHERE id = $1 AND topic_id = $2', [id, topic.id]) : 0;
      if (n === 0) throw AppException.notFound('Topic token');
    });
    await this.bus.publish(TOPIC_TOKENS_BUS_KEY, { id }).catch(() => undefined);
    return { revoked: true };
  }
}
