import { Inject, Injectable, Logger } from '@nestjs/common';
import { StreamRevocations } from '#auth-kit';
import { AppException, LIVE_BUS, RecentSeqs, type LiveBus, type LivePayload, type Principal } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { UnitOfWork, type Tx } from '../../../database/unit-of-work.js';
import { TOPIC_NAME } from '../../dtos/topic.dto.js';
import { clientGroup } from '../../guards/topic-credential.guard.js';
import { TopicAccessPolicy } from '../../policy/topic-access.policy.js';
import { parseSince, type SinceSpec } from '../../streams/since.js';
import type { TopicSink } from '../../streams/topic-sink.js';
import { TopicReads } from '../../streams/topic-reads.js';
import { TopicStreamLimits } from '../../streams/topic-stream-limits.js';
import { TOPIC_TOKENS_BUS_KEY, topicBusKey } from '../../topic-names.js';
import { topicControlEvent, topicMessageView } from '../../topic-message.view.js';
import { TopicsRepository, type TopicMessageRow, type TopicRow } from '../../topics.repository.js';

export interface SubscribeTopicCommand {
  principal: Principal | null;
  tenantId: string;
  name: string;
  since: string | undefined;
  poll: boolean;
  lastEventId: string | undefined;
  ip: string;
  /** Opens the transport (after this, errors can no longer be answered in the envelope). */
  open: () => TopicSink | Promise<TopicSink>;
}

const PAGE = 200;
/**
 * How long a subscriber may take to accept one socket buffer's worth: while catching up from
 * storage (a reconnect with a large backlog), and live. Past it the subscriber is dropped; it
 * reconnects with since= / Last-Event-ID. Meanwhile nothing more is buffered for it (its backlog
 * waits in the database), so a slow reader costs at most TOPIC_SUBSCRIBER_MAX_BACKLOG of memory.
 */
const CATCH_UP_DRAIN_MS = 30_000;
const LIVE_DRAIN_MS = 5_000;
/** How often a stream opened with a topic token re-checks it (revocation also ends it at once, by the bus). */
const TOKEN_RECHECK_MS = 15_000;

/**
 * A live subscription to one topic, over whichever transport opened it. Checks everything that
 * can still be answered with an error first (topic, access, since, stream limits), then streams:
 * the backlog asked for by since / Last-Event-ID, then each new message as its signal arrives
 * from any instance. `poll` sends the backlog and ends.
 */
@Injectable()
export class SubscribeTopicUseCase {
  private readonly log = new Logger('TopicStream');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
    private readonly limits: TopicStreamLimits,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    private readonly revocations: StreamRevocations,
    private readonly reads: TopicReads,
  ) {}

  async execute(cmd: SubscribeTopicCommand): Promise<void> {
    if (!TOPIC_NAME.test(cmd.name)) throw AppException.notFound('Topic');
    const since = parseSince(cmd.since, cmd.lastEventId, cmd.poll);
    const topic = await this.uow.tenant(cmd.tenantId, (tx) => this.topics.findTopic(tx, cmd.name), { readOnly: true });
    if (!topic) throw AppException.notFound('Topic');
    TopicAccessPolicy.assertRead(cmd.principal, topic);
    if (cmd.principal?.kind === 'topic_token' && cmd.principal.credentialId) {
      const id = cmd.principal.credentialId;
      void this.uow.tenant(topic.tenant_id, (tx) => this.topics.touchToken(tx, id)).catch(() => undefined);
    }
    if (cmd.poll) {
      const floor = await this.floor(topic, since);
      const sink = await cmd.open();
      const session = new TopicStreamSession(this.uow, this.topics, this.reads, topic, sink, this.log);
      await session.drainAll(floor);
      sink.close();
      return;
    }
    const release = this.limits.acquire(clientGroup(cmd.ip), topic.tenant_id);
    let session: TopicStreamSession | null = null;
    const pending: LivePayload[] = [];
    // Subscribed before the starting point is read: whatever commits meanwhile arrives as a signal (de-duplicated by seq).
    const offTopic = this.bus.subscribe(
      topicBusKey(topic.id),
      (s) => {
        if (s.kind === 'deleted') session?.sink.close();
        else if (session) session.signal(s);
        else pending.push(s);
      },
      { onResync: () => session?.resync() },
    );
    const cleanup: Array<() => void> = [offTopic, release];
    let sink: TopicSink;
    let floor: string;
    try {
      floor = await this.floor(topic, since);
      sink = await cmd.open();
    } catch (err) {
      for (const c of cleanup) c();
      throw err;
    }
    session = new TopicStreamSession(this.uow, this.topics, this.reads, topic, sink, this.log);
    sink.onClose(() => cleanup.forEach((c) => c()));
    this.endWithCredential(cmd.principal, topic, sink, cleanup);
    const keepalive = setInterval(
      () => sink.send({ id: '', event: 'keepalive', data: topicControlEvent('keepalive', topic.name) }),
      this.config.TOPIC_KEEPALIVE * 1000,
    );
    keepalive.unref();
    cleanup.push(() => clearInterval(keepalive));
    sink.send({ id: '', event: 'open', data: topicControlEvent('open', topic.name) });
    session.start(floor);
    for (const s of pending) session.signal(s);
  }

  /**
   * The stream ends when its credential does: expiry; for topic tokens revocation (on every
   * instance, by the bus); for user credentials (access and personal tokens) an ended session or a
   * deactivated user, when this instance's revocation list learns it (within one feed poll). A
   * revocation sends a last `revoked` event first.
   */
  private endWithCredential(p: Principal | null, topic: TopicRow, sink: TopicSink, cleanup: Array<() => void>): void {
    // A sink already closed has run its cleanup: nothing registered now would ever be removed.
    if (!p || !sink.isOpen) return;
    const expiresAtMs = p.topic?.expiresAtMs ?? (p.expiresAt ? p.expiresAt * 1000 : undefined);
    if (expiresAtMs) {
      const t = setTimeout(() => sink.close(), Math.max(0, Math.min(2 ** 31 - 1, expiresAtMs - Date.now() + 5)));
      t.unref();
      cleanup.push(() => clearTimeout(t));
    }
    const revoked = () => {
      sink.send({ id: '', event: 'revoked', data: topicControlEvent('revoked', topic.name) });
      sink.close();
    };
    // Reading a topic needs no particular role (any member of its tenant), so only a revocation ends the stream.
    cleanup.push(this.revocations.watch(p, revoked));
    if (p.kind !== 'topic_token' || !p.credentialId) return;
    const tokenId = p.credentialId;
    const recheck = () =>
      void this.topics.tokenStillValid(topic.tenant_id, tokenId).then(
        (ok) => ok || revoked(),
        () => undefined,
      );
    cleanup.push(this.bus.subscribe(TOPIC_TOKENS_BUS_KEY, (s) => s.id === tokenId && revoked(), { onResync: recheck }));
    const every = setInterval(recheck, TOKEN_RECHECK_MS);
    every.unref();
    cleanup.push(() => clearInterval(every));
  }

  private floor(topic: TopicRow, since: SinceSpec): Promise<string> {
    return this.uow.tenant(
      topic.tenant_id,
      async (tx) => {
        switch (since.kind) {
          case 'all':
            return '0';
          case 'latest':
            return this.topics.floorBeforeLatest(tx, topic.id);
          case 'time':
            return this.topics.floorAtTime(tx, topic.id, since.time);
          case 'id':
            // A message no longer retained (or never of this topic): everything still kept is after it.
            return (await this.topics.seqOfId(tx, topic.id, since.id)) ?? '0';
          default:
            return this.topics.newestSeq(tx, topic.id);
        }
      },
      { readOnly: true },
    );
  }
}

/**
 * One open subscription. Everything goes out through one loop (pump), so events leave in order and
 * a burst of signals costs one query. `hwm` is the highest seq sent; a message committed after a
 * newer one (two publishes racing) arrives as a signal at or below it and is sent as "late".
 * When the client's buffer is full the loop waits for it to drain (a bounded time, see LIVE_DRAIN_MS),
 * and any write past TOPIC_SUBSCRIBER_MAX_BACKLOG drops the client at once.
 */
class TopicStreamSession {
  private hwm = 0n;
  private floor = 0n;
  private started = false;
  private pumping = false;
  private dirty = true;
  private late: string[] = [];
  private readonly sent = new RecentSeqs(10_000);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly topics: TopicsRepository,
    private readonly reads: TopicReads,
    private readonly topic: TopicRow,
    readonly sink: TopicSink,
    private readonly log: Logger,
  ) {}

  start(floor: string): void {
    this.hwm = this.floor = BigInt(floor);
    this.started = true;
    this.kick();
  }

  /** poll=1: every retained message after `floor`, then done. */
  async drainAll(floor: string): Promise<void> {
    this.hwm = BigInt(floor);
    for (;;) {
      const rows = await this.read((tx) => this.topics.messagesAfter(tx, this.topic.id, this.hwm.toString(), PAGE));
      for (const r of rows) {
        this.hwm = BigInt(r.seq);
        if (!(await this.send(r, true))) return;
      }
      if (rows.length < PAGE) return;
    }
  }

  signal(s: LivePayload): void {
    if (s.kind !== 'message' || typeof s.seq !== 'string' || !/^\d{1,18}$/.test(s.seq)) return;
    const seq = BigInt(s.seq);
    if (seq > this.hwm) this.dirty = true;
    else if (seq > this.floor && !this.sent.has(s.seq)) this.late.push(s.seq);
    this.kick();
  }

  resync(): void {
    this.dirty = true;
    this.kick();
  }

  private kick(): void {
    if (!this.started || this.pumping || !this.sink.isOpen) return;
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => {
        this.log.warn(`topic stream ended: ${String(err)}`);
        this.sink.close();
      })
      .finally(() => {
        this.pumping = false;
        if (this.dirty || this.late.length > 0) this.kick();
      });
  }

  private async pump(): Promise<void> {
    while (this.sink.isOpen && (this.dirty || this.late.length > 0)) {
      if (this.dirty) {
        this.dirty = false;
        // Shared with the topic's other streams that ask the same in this turn (TopicReads).
        const rows = await this.reads.messagesAfter(this.topic, this.hwm.toString(), PAGE);
        const catchingUp = rows.length === PAGE;
        for (const r of rows) {
          const seq = BigInt(r.seq);
          if (seq <= this.hwm) continue;
          this.hwm = seq;
          if (!(await this.send(r, catchingUp))) return;
        }
        if (catchingUp) this.dirty = true;
        continue;
      }
      const seq = this.late.shift()!;
      if (this.sent.has(seq)) continue;
      const r = await this.read((tx) => this.topics.messageBySeq(tx, this.topic.id, seq));
      if (r && !(await this.send(r, false))) return;
    }
  }

  private async send(r: TopicMessageRow, canWait: boolean): Promise<boolean> {
    this.sent.add(r.seq);
    if (!this.sink.send({ id: r.id, event: 'message', data: topicMessageView(this.topic.name, r) })) return false;
    return !this.sink.backlogged || this.sink.drained(canWait ? CATCH_UP_DRAIN_MS : LIVE_DRAIN_MS);
  }

  private read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.uow.tenant(this.topic.tenant_id, fn, { readOnly: true });
  }
}
