import { Injectable } from '@nestjs/common';
import type { DeepPartial, EntityTarget, FindOptionsWhere } from 'typeorm';
import { AppException, paginate, type Page, type PaginationQueryDto } from '#common';
import type { Tx } from '../database/unit-of-work.js';
import { UnitOfWork } from '../database/unit-of-work.js';
import { WebhookEndpoint } from '../webhook-endpoints/webhook-endpoint.entity.js';
import { TOPIC_NAME } from './dtos/topic.dto.js';
import {
  Topic,
  TopicAccessToken,
  TopicSubscription,
  type TopicAccessLevel,
  type TopicSubscriptionChannel,
  type TopicVisibility,
} from './entities/topic.entity.js';
import { randomBase32 } from './topic-names.js';

export interface TopicRow {
  id: string;
  tenant_id: string;
  name: string;
  visibility: TopicVisibility;
}

export interface TopicMessageRow {
  seq: string;
  id: string;
  time: Date;
  expires_at: Date;
  message: string;
  title: string | null;
  priority: number;
  tags: string[];
  click: string | null;
  actions: unknown[] | null;
}

export interface TopicTokenRow {
  id: string;
  tenant_id: string;
  topic_id: string;
  access_level: TopicAccessLevel;
  plan_tier: string;
  expires_at: Date | null;
}

export interface NewTopicMessage {
  id: string;
  topicId: string;
  expiresAt: Date;
  message: string;
  title: string | null;
  priority: number;
  tags: string[];
  click: string | null;
  actions: unknown[] | null;
}

const MESSAGE_COLUMNS = 'seq::text AS seq, id, time, expires_at, message, title, priority, tags, click, actions';

/**
 * The statements of the topic paths that TypeORM would slow down (publish, stream reads: named,
 * prepared once per connection). Two lookups run before any tenant is known (a public slug, a
 * topic token's hash): they go through the maintenance scope, read one row by a unique key, and
 * return only the tenant and ids the request then works under.
 */
@Injectable()
export class TopicsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The tenant's public slug, made on first use (16 random base-32 characters: 80 bits, not derived from the id). */
  async ensureSlug(tx: Tx): Promise<string> {
    const made = await tx.one<{ slug: string }>(
      `INSERT INTO topic_namespaces (tenant_id, slug) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING RETURNING slug`,
      [tx.tenantId, randomBase32(16)],
    );
    return made?.slug ?? (await this.slugOf(tx))!;
  }

  async slugOf(tx: Tx): Promise<string | undefined> {
    return (await tx.one<{ slug: string }>('SELECT slug FROM topic_namespaces WHERE tenant_id = $1', [tx.tenantId], 'topic_slug'))?.slug;
  }

  /** Which tenant a public slug names (no tenant is known yet: an anonymous reader). */
  async tenantOfSlug(slug: string): Promise<string | undefined> {
    return this.uow.maintenance(
      async (tx) =>
        (await tx.one<{ tenant_id: string }>('SELECT tenant_id FROM topic_namespaces WHERE slug = $1', [slug], 'topic_slug_tenant'))
          ?.tenant_id,
    );
  }

  /** A topic token by its hash (no tenant is known yet: the token is the credential). */
  async tokenByHash(hash: string): Promise<TopicTokenRow | undefined> {
    return this.uow.maintenance((tx) =>
      tx.one<TopicTokenRow>(
        'SELECT id, tenant_id, topic_id, access_level, plan_tier, expires_at FROM topic_access_tokens WHERE token_hash = $1',
        [hash],
        'topic_token_by_hash',
      ),
    );
  }

  async tokenStillValid(tenantId: string, tokenId: string): Promise<boolean> {
    return this.uow.tenant(tenantId, async (tx) =>
      Boolean(
        await tx.one(
          'SELECT 1 FROM topic_access_tokens WHERE id = $1 AND (expires_at IS NULL OR expires_at > now())',
          [tokenId],
          'topic_token_valid',
        ),
      ),
    );
  }

  /** lastUsedAt, written at most once a minute per token (a busy publisher costs no write per message). */
  async touchToken(tx: Tx, tokenId: string): Promise<void> {
    await tx.exec(
      `UPDATE topic_access_tokens SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [tokenId],
      'topic_token_touch',
    );
  }

  async findTopic(tx: Tx, name: string): Promise<TopicRow | undefined> {
    return tx.one<TopicRow>(
      'SELECT id, tenant_id, name, visibility FROM topics WHERE tenant_id = $1 AND name = $2',
      [tx.tenantId, name],
      'topic_by_name',
    );
  }

  async topicById(tx: Tx, topicId: string): Promise<TopicRow | undefined> {
    return tx.one<TopicRow>('SELECT id, tenant_id, name, visibility FROM topics WHERE id = $1', [topicId]);
  }

  async topicExists(tx: Tx, topicId: string): Promise<boolean> {
    return Boolean(await tx.one('SELECT 1 FROM topics WHERE id = $1', [topicId], 'topic_exists'));
  }

  /**
   * Publishes to one topic commit one at a time (a transaction-scoped advisory lock on the topic),
   * so a topic's seqs become visible in order: a stream that has sent seq N has every message
   * below it, and a message id is an exact resume point (Last-Event-ID, since=). Without it, a
   * publish that took seq N-1 but committed after N would be skipped by a client resuming at N.
   */
  async insertMessage(tx: Tx, m: NewTopicMessage): Promise<TopicMessageRow> {
    await tx.exec('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`topic:${m.topicId}`], 'topic_publish_lock');
    return (await tx.one<TopicMessageRow>(
      `INSERT INTO topic_messages (id, tenant_id, topic_id, expires_at, message, title, priority, tags, click, actions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${MESSAGE_COLUMNS}`,
      [
        m.id,
        tx.tenantId,
        m.topicId,
        m.expiresAt,
        m.message,
        m.title,
        m.priority,
        m.tags,
        m.click,
        m.actions === null ? null : JSON.stringify(m.actions),
      ],
      'topic_message_insert',
    ))!;
  }

  /** Messages after `seq`, oldest first, still within retention. */
  async messagesAfter(tx: Tx, topicId: string, seq: string, limit: number): Promise<TopicMessageRow[]> {
    return tx.rows<TopicMessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM topic_messages WHERE topic_id = $1 AND seq > $2 AND expires_at > now() ORDER BY topic_messages.seq LIMIT $3`,
      [topicId, seq, limit],
      'topic_messages_after',
    );
  }

  async messageBySeq(tx: Tx, topicId: string, seq: string): Promise<TopicMessageRow | undefined> {
    return tx.one<TopicMessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM topic_messages WHERE topic_id = $1 AND seq = $2`,
      [topicId, seq],
      'topic_message_by_seq',
    );
  }

  /** The seq of a message id on this topic (a resume point). */
  async seqOfId(tx: Tx, topicId: string, id: string): Promise<string | undefined> {
    return (
      await tx.one<{ seq: string }>(
        'SELECT seq::text AS seq FROM topic_messages WHERE topic_id = $1 AND id = $2',
        [topicId, id],
        'topic_seq_of_id',
      )
    )?.seq;
  }

  /** The resume point just before the first message at or after `time`; the newest seq when there is none. */
  async floorAtTime(tx: Tx, topicId: string, time: Date): Promise<string> {
    const r = await tx.one<{ seq: string }>(
      `SELECT COALESCE((SELECT seq - 1 FROM topic_messages WHERE topic_id = $1 AND time >= $2 ORDER BY seq LIMIT 1),
                       (SELECT max(seq) FROM topic_messages WHERE topic_id = $1), 0)::text AS seq`,
      [topicId, time],
      'topic_floor_at_time',
    );
    return r!.seq;
  }

  /** The resume point before the newest message (`since=latest`). */
  async floorBeforeLatest(tx: Tx, topicId: string): Promise<string> {
    const r = await tx.one<{ seq: string }>(
      `SELECT COALESCE((SELECT seq FROM topic_messages WHERE topic_id = $1 AND expires_at > now() ORDER BY seq DESC OFFSET 1 LIMIT 1), 0)::text AS seq`,
      [topicId],
      'topic_floor_latest',
    );
    return r!.seq;
  }

  async newestSeq(tx: Tx, topicId: string): Promise<string> {
    return (await tx.one<{ seq: string }>(
      'SELECT COALESCE(max(seq), 0)::text AS seq FROM topic_messages WHERE topic_id = $1',
      [topicId],
      'topic_newest_seq',
    ))!.seq;
  }

  /** A topic of the transaction's tenant by name, or 404 (a malformed name cannot exist either). */
  async topicByName(tx: Tx, name: string): Promise<Topic> {
    const t = TOPIC_NAME.test(name) ? await tx.repo(Topic).findOneBy({ tenant_id: tx.tenantId, name }) : null;
    if (!t) throw AppException.notFound('Topic');
    return t;
  }

  topicNameTaken(tx: Tx, name: string): Promise<boolean> {
    return tx.repo(Topic).existsBy({ tenant_id: tx.tenantId, name });
  }

  insertTopic(tx: Tx, t: { name: string; visibility: TopicVisibility; description: string | null; createdBy: string }): Promise<Topic> {
    return this.insert(tx, Topic, { name: t.name, visibility: t.visibility, description: t.description, created_by: t.createdBy });
  }

  pageOfTopics(tx: Tx, q: PaginationQueryDto): Promise<Page<Topic>> {
    const qb = tx.repo(Topic).createQueryBuilder('t').where('t.tenant_id = :tenantId', { tenantId: tx.tenantId });
    return paginate(qb, q, { sortColumn: 't.created_at', idColumn: 't.id' });
  }

  async saveTopic(tx: Tx, t: Topic): Promise<void> {
    await tx.repo(Topic).save(t);
  }

  /** Deletes the topic; its messages, tokens and subscriptions go with it (foreign keys). */
  async deleteTopic(tx: Tx, topicId: string): Promise<void> {
    await tx.repo(Topic).delete({ tenant_id: tx.tenantId, id: topicId });
  }

  async insertToken(
    tx: Tx,
    k: Pick<
      TopicAccessToken,
      'topic_id' | 'name' | 'token_hash' | 'token_prefix' | 'access_level' | 'plan_tier' | 'expires_at' | 'created_by'
    >,
  ): Promise<TopicAccessToken> {
    return this.insert(tx, TopicAccessToken, { ...k, last_used_at: null });
  }

  pageOfTokens(tx: Tx, topicId: string, q: PaginationQueryDto): Promise<Page<TopicAccessToken>> {
    return this.pageInTopic(tx, TopicAccessToken, topicId, q);
  }

  /** How many tokens were deleted (0 or 1). */
  deleteToken(tx: Tx, topicId: string, id: string): Promise<number> {
    return tx.exec('DELETE FROM topic_access_tokens WHERE id = $1 AND topic_id = $2', [id, topicId]);
  }

  insertSubscription(
    tx: Tx,
    s: { topicId: string; channel: TopicSubscriptionChannel; recipient: Record<string, string>; createdBy: string },
  ): Promise<TopicSubscription> {
    return this.insert(tx, TopicSubscription, { topic_id: s.topicId, channel: s.channel, recipient: s.recipient, created_by: s.createdBy });
  }

  pageOfSubscriptions(tx: Tx, topicId: string, q: PaginationQueryDto): Promise<Page<TopicSubscription>> {
    return this.pageInTopic(tx, TopicSubscription, topicId, q);
  }

  /** Inserts a row of the transaction's tenant and reads it back (with the database's defaults: created_at). */
  private async insert<E extends { id: string; tenant_id: string }>(tx: Tx, entity: EntityTarget<E>, values: DeepPartial<E>): Promise<E> {
    const repo = tx.repo(entity);
    const saved = await repo.save(repo.create({ ...values, tenant_id: tx.tenantId }));
    return repo.findOneByOrFail({ id: saved.id } as FindOptionsWhere<E>);
  }

  /** A page of one topic's tokens or subscriptions, newest first. */
  private pageInTopic<E extends { id: string }>(tx: Tx, entity: EntityTarget<E>, topicId: string, q: PaginationQueryDto): Promise<Page<E>> {
    const qb = tx
      .repo(entity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId AND r.topic_id = :topicId', { tenantId: tx.tenantId, topicId });
    return paginate(qb, q, { sortColumn: 'r.created_at', idColumn: 'r.id' });
  }

  /** How many subscriptions were deleted (0 or 1). */
  deleteSubscription(tx: Tx, topicId: string, id: string): Promise<number> {
    return tx.exec('DELETE FROM topic_subscriptions WHERE id = $1 AND topic_id = $2', [id, topicId]);
  }

  /** Every forwarding subscription of a topic, oldest first (a publish forwards to each). */
  subscriptionsOf(tx: Tx, topicId: string): Promise<Array<{ channel: TopicSubscriptionChannel; recipient: Record<string, string> }>> {
    return tx.rows(
      'SELECT channel, recipient FROM topic_subscriptions WHERE topic_id = $1 ORDER BY created_at, id',
      [topicId],
      'topic_subscriptions_of',
    );
  }

  /** A registered webhook endpoint of the tenant, by id or else by URL. */
  async webhookEndpoint(tx: Tx, to: { endpointId?: string; url?: string }): Promise<WebhookEndpoint | null> {
    if (to.endpointId) return tx.repo(WebhookEndpoint).findOneBy({ tenant_id: tx.tenantId, id: to.endpointId });
    if (to.url) return tx.repo(WebhookEndpoint).findOneBy({ tenant_id: tx.tenantId, url: to.url });
    return null;
  }

  /** Retention, across tenants: expired messages go. */
  async purgeExpired(batch = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.uow.maintenance((tx) =>
        tx.exec('DELETE FROM topic_messages WHERE seq IN (SELECT seq FROM topic_messages WHERE expires_at <= now() LIMIT $1)', [batch]),
      );
      total += n;
      if (n < batch) return total;
    }
  }
}
