import { Inject, Injectable } from '@nestjs/common';
import { AppException, LIVE_BUS, paginate, type LiveBus, type PaginationQueryDto, type Principal } from '#common';
import { actorOf } from '../../../tenancy/visibility.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import type { CreateTopicDto, UpdateTopicDto } from '../../dtos/topic.dto.js';
import { TOPIC_NAME } from '../../dtos/topic.dto.js';
import { Topic } from '../../entities/topic.entity.js';
import { publicPathOf, topicBusKey } from '../../topic-names.js';
import { TopicsRepository } from '../../topics.repository.js';

export const topicView = (t: Topic, slug: string) => ({
  name: t.name,
  visibility: t.visibility,
  description: t.description,
  publicPath: publicPathOf(slug, t.name),
  createdBy: t.created_by,
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});

/** Finds a topic of the transaction's tenant by name, or 404 (a malformed name cannot exist either). */
export async function topicByName(tx: Tx, name: string): Promise<Topic> {
  const t = TOPIC_NAME.test(name) ? await tx.repo(Topic).findOneBy({ tenant_id: tx.tenantId, name }) : null;
  if (!t) throw AppException.notFound('Topic');
  return t;
}

/** A tenant's topics: names unique per tenant; the public path uses the tenant's slug, made with its first topic. */
@Injectable()
export class ManageTopicsUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
  ) {}

  create(p: Principal, dto: CreateTopicDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const repo = tx.repo(Topic);
      if (await repo.existsBy({ tenant_id: tx.tenantId, name: dto.name })) {
        throw AppException.conflict('A topic with this name exists', [{ field: 'name', messages: ['already taken in this tenant'] }]);
      }
      const slug = await this.topics.ensureSlug(tx);
      const saved = await repo.save(
        repo.create({
          tenant_id: tx.tenantId,
          name: dto.name,
          visibility: dto.visibility,
          description: dto.description ?? null,
          created_by: actorOf(p),
        }),
      );
      return topicView(await repo.findOneByOrFail({ id: saved.id }), slug);
    });
  }

  list(p: Principal, q: PaginationQueryDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const slug = (await this.topics.slugOf(tx)) ?? '';
      const qb = tx.repo(Topic).createQueryBuilder('t').where('t.tenant_id = :tenantId', { tenantId: tx.tenantId });
      return (await paginate(qb, q, { sortColumn: 't.created_at', idColumn: 't.id' })).map((t) => topicView(t, slug));
    });
  }

  get(p: Principal, name: string) {
    return this.uow.tenant(p.tenantId, async (tx) => topicView(await topicByName(tx, name), (await this.topics.slugOf(tx))!));
  }

  update(p: Principal, name: string, dto: UpdateTopicDto) {
    return this.uow.tenant(p.tenantId, async (tx) => {
      const t = await topicByName(tx, name);
      if (dto.visibility !== undefined) t.visibility = dto.visibility;
      if (dto.description !== undefined) t.description = dto.description;
      t.updated_at = new Date();
      await tx.repo(Topic).save(t);
      return topicView(t, (await this.topics.slugOf(tx))!);
    });
  }

  /** Deletes the topic with its messages and tokens; its open streams end on every instance. */
  async remove(p: Principal, name: string): Promise<{ deleted: true }> {
    const id = await this.uow.tenant(p.tenantId, async (tx) => {
      const t = await topicByName(tx, name);
      await tx.repo(Topic).delete({ tenant_id: tx.tenantId, id: t.id });
      return t.id;
    });
    await this.bus.publish(topicBusKey(id), { kind: 'deleted' }).catch(() => undefined);
    return { deleted: true };
  }
}
