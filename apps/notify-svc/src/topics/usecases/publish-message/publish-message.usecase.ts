import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppException, ErrorCode, LIVE_BUS, createValidationPipe, type LeasedRateLimiter, type LiveBus, type Principal } from '#common';
import { NOTIFY_CONFIG, topicPublishRateForPlan, type NotifyConfig } from '../../../config/notify-config.js';
import { RATE_LIMITER } from '../../../throttling/throttling.tokens.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { PublishTopicMessageDto, TOPIC_NAME } from '../../dtos/topic.dto.js';
import { TopicAccessPolicy } from '../../policy/topic-access.policy.js';
import { randomBase32, topicBusKey } from '../../topic-names.js';
import { topicMessageView } from '../../topic-message.view.js';
import { TopicsRepository, type TopicMessageRow, type TopicRow } from '../../topics.repository.js';
import { JobQueue, type TopicDueJob } from '../../../jobs/job-queue.js';
import type { Tx } from '../../../database/unit-of-work.js';
import type { TopicSubscriptionChannel } from '../../entities/topic.entity.js';
import { AcceptPipeline } from '../../../deliveries/accept/accept-pipeline.js';
import { actorOf } from '../../../tenancy/visibility.js';

export interface PublishTopicMessageCommand {
  principal: Principal | null;
  /** The topic's tenant: from the credential (`/topics/:name`) or the public slug (`/t/:slug/:name`). */
  tenantId: string;
  name: string;
  /** A string (text/plain, or curl -d's form encoding: the raw text) or parsed JSON. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

type StoredContent = {
  message: string;
  title: string | null;
  priority: number;
  tags: string[];
  click: string | null;
  actions: unknown[] | null;
};

const headerValue = (headers: PublishTopicMessageCommand['headers'], name: string) => {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
};

const DELAY = /^(\d{1,7})\s*(s|sec|m|min|h|d|days?)$/i;
const DELAY_UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400, day: 86400, days: 86400 };
const MIN_DELAY_S = 10;
const MAX_DELAY_S = 3 * 86400;

/** Delay as ntfy takes it: a duration (`30m`, `2h`, `1d`) or a Unix time; 10 s to 3 days ahead. */
function parseDelay(raw: string): Date {
  const v = raw.trim();
  const d = DELAY.exec(v);
  let at: number | null = null;
  if (d) at = Date.now() + Number(d[1]) * DELAY_UNITS[d[2]!.toLowerCase()]! * 1000;
  else if (/^\d{9,11}$/.test(v)) at = Number(v) * 1000;
  const ahead = at === null ? NaN : (at - Date.now()) / 1000;
  if (!(ahead >= MIN_DELAY_S - 1 && ahead <= MAX_DELAY_S)) {
    throw AppException.validation('Delay must be a duration (10s to 3d, e.g. 30m) or a Unix time within that range', [
      { field: 'delay', messages: ['must be 10s to 3d ahead: a duration like 30m or a Unix time'] },
    ]);
  }
  return new Date(at!);
}

const PRIORITY_NAMES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };
const validation = createValidationPipe();

/**
 * Publishes one message: a plain body with the ntfy-style headers (Title, Priority, Tags, Click)
 * or the JSON form. Counted against the tenant's per-minute publish limit by plan tier, stored for
 * TOPIC_RETENTION, then signalled on the live bus (ids only) to every instance's subscribers.
 */
@Injectable()
export class PublishTopicMessageUseCase {
  private readonly log = new Logger('TopicPublish');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
    private readonly pipeline: AcceptPipeline,
    private readonly queue: JobQueue,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(RATE_LIMITER) private readonly limiter: LeasedRateLimiter,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  async execute(cmd: PublishTopicMessageCommand) {
    const p = cmd.principal;
    if (!p) throw AppException.unauthorized('Publishing needs a credential (JWT, X-API-Key or a topic token)');
    if (!TOPIC_NAME.test(cmd.name)) throw AppException.notFound('Topic');
    const msg = await this.parse(cmd.body, cmd.headers);
    // A caller of another tenant is refused before any transaction of that tenant is opened.
    // Another tenant's caller is refused before any transaction of that tenant (an Idempotency-Key
    // request already runs in the caller's own tenant transaction).
    if (p.tenantId !== cmd.tenantId) {
      throw AppException.forbidden(
        p.kind === 'topic_token' ? 'This topic token is for another topic' : "Only the topic's own tenant may publish to it",
      );
    }
    // Counted before the transaction: the shared counter takes a connection of its own, and
    // publishes holding one while waiting for another would starve the pool under load.
    const rate = topicPublishRateForPlan(this.config, p.planTier);
    const r = await this.limiter.consume(`rl:topic-pub:${cmd.tenantId}`, rate);
    if (!r.allowed)
      throw AppException.rateLimited(r.retryAfterSeconds, `At most ${rate.count} topic messages per ${rate.windowSeconds} s on this plan`);
    const { dueAt, ...content } = msg;
    const result = await this.uow.tenant(cmd.tenantId, async (tx) => {
      const topic = await this.topics.findTopic(tx, cmd.name);
      if (!topic) throw AppException.notFound('Topic');
      TopicAccessPolicy.assertWrite(p, topic);
      if (p.kind === 'topic_token' && p.credentialId) await this.topics.touchToken(tx, p.credentialId);
      const id = randomBase32(12);
      if (dueAt) {
        // Stored (and signalled, and forwarded) when its job runs; the answer shows it as it will be.
        await this.queue.enqueueTopicMessage(tx, { k: topic.id, m: { id, ...content }, p: { ...p } }, dueAt);
        const expires = new Date(dueAt.getTime() + this.config.TOPIC_RETENTION * 1000);
        return { topic, row: { seq: '0', id, time: dueAt, expires_at: expires, ...content } as TopicMessageRow, delayed: true };
      }
      const row = await this.store(tx, p, topic, { id, ...content });
      return { row, topic, delayed: false };
    });
    const { row, topic } = result;
    if (result.delayed) return topicMessageView(topic.name, row);
    await this.bus
      .publish(topicBusKey(topic.id), { kind: 'message', seq: row.seq })
      .catch((err: unknown) => this.log.warn(`topic signal not sent: ${String(err)}`));
    return topicMessageView(topic.name, row);
  }

  /** Stores a message now, with its forwards (also the delayed-message job's path). */
  async store(tx: Tx, p: Principal, topic: TopicRow, m: StoredContent & { id: string }): Promise<TopicMessageRow> {
    const row = await this.topics.insertMessage(tx, {
      ...m,
      topicId: topic.id,
      expiresAt: new Date(Date.now() + this.config.TOPIC_RETENTION * 1000),
    });
    await this.forward(p, topic.name, topic.id, row);
    return row;
  }

  /** A delayed message's job: stores it now (unless its topic is gone) and signals the subscribers. */
  async deliverDue(job: TopicDueJob): Promise<void> {
    const done = await this.uow.tenant(job.t, async (tx) => {
      const topic = await this.topics.topicById(tx, job.k);
      if (!topic) return null;
      const m = job.m as unknown as StoredContent & { id: string };
      if (await this.topics.seqOfId(tx, topic.id, m.id)) return null; // a job run twice stores once
      return { topic, row: await this.store(tx, job.p as unknown as Principal, topic, m) };
    });
    if (done) await this.bus.publish(topicBusKey(done.topic.id), { kind: 'message', seq: done.row.seq }).catch(() => undefined);
  }

  /**
   * Each subscription of the topic gets the message as an ordinary delivery, accepted in the
   * publish's own transaction (so a stored message is never without its forwards): preferences,
   * suppressions, quotas and the webhook SSRF guard apply as to any send.
   */
  private async forward(p: Principal, topicName: string, topicId: string, row: TopicMessageRow): Promise<void> {
    await this.uow.tenant(p.tenantId, async (tx) => {
      const subs = await this.topics.subscriptionsOf(tx, topicId);
      const byChannel = new Map<TopicSubscriptionChannel, Array<Record<string, string>>>();
      for (const s of subs) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s.recipient]);
      for (const [channel, recipients] of byChannel) {
        for (let i = 0; i < recipients.length; i += this.config.BATCH_MAX_RECIPIENTS) {
          await this.pipeline.accept(tx, {
            channel,
            source: { body: row.message, subject: row.title ?? topicName },
            recipients: recipients.slice(i, i + this.config.BATCH_MAX_RECIPIENTS).map((to) => ({ to })),
            data: {
              topic: topicName,
              messageId: row.id,
              ...(row.tags.length ? { tags: row.tags } : {}),
              ...(row.click ? { click: row.click } : {}),
            },
            priority: row.priority >= 4 ? 'high' : row.priority <= 2 ? 'low' : 'normal',
            batchId: randomUUID(),
            createdBy: actorOf(p),
            planTier: p.planTier,
            onInvalid: 'reject',
            recipientPath: (n) => `subscriptions[${i + n}].to`,
          });
        }
      }
    });
  }

  private async parse(body: unknown, headers: PublishTopicMessageCommand['headers']) {
    let dto: PublishTopicMessageDto;
    if (typeof body === 'string' || body === undefined || body === null) {
      const h = (name: string) => {
        const v = headers[name];
        return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
      };
      const priority = h('priority') ?? h('x-priority');
      const tags = h('tags') ?? h('x-tags');
      const raw = {
        message: typeof body === 'string' ? body : '',
        title: h('title') ?? h('x-title'),
        priority:
          priority === undefined
            ? undefined
            : (PRIORITY_NAMES[priority.toLowerCase()] ?? (/^\d+$/.test(priority) ? Number(priority) : priority)),
        tags: tags
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        click: h('click') ?? h('x-click'),
      };
      this.assertSize(raw.message);
      dto = (await validation.transform(JSON.parse(JSON.stringify(raw)), {
        type: 'body',
        metatype: PublishTopicMessageDto,
      })) as PublishTopicMessageDto;
    } else if (typeof body === 'object' && !Array.isArray(body)) {
      const m = (body as { message?: unknown }).message;
      if (typeof m === 'string') this.assertSize(m);
      dto = (await validation.transform(body, { type: 'body', metatype: PublishTopicMessageDto })) as PublishTopicMessageDto;
    } else {
      throw AppException.validation('The body is the message text, or a JSON object {message, …}', [
        { field: 'body', messages: ['must be text or an object'] },
      ]);
    }
    const delayRaw = dto.delay ?? headerValue(headers, 'delay') ?? headerValue(headers, 'x-delay');
    const dueAt = delayRaw === undefined ? null : parseDelay(delayRaw);
    return {
      message: dto.message,
      title: dto.title ?? null,
      priority: dto.priority ?? 3,
      tags: dto.tags ?? [],
      click: dto.click ?? null,
      actions: dto.actions ? dto.actions.map((a) => ({ ...a })) : null,
      dueAt,
    };
  }

  private assertSize(message: string): void {
    const bytes = Buffer.byteLength(message, 'utf8');
    if (bytes > this.config.TOPIC_MESSAGE_MAX_BYTES) {
      throw new AppException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `The message is ${bytes} bytes; at most ${this.config.TOPIC_MESSAGE_MAX_BYTES} are allowed`,
        413,
      );
    }
  }
}
