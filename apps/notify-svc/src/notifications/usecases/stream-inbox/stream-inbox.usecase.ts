import { Inject, Injectable, Logger } from '@nestjs/common';
import { StreamRevocations } from '#auth-kit';
import {
  AppException,
  Role,
  LIVE_BUS,
  RecentSeqs,
  type LiveBus,
  type LivePayload,
  type Principal,
  type SseOptions,
  type SseStream,
} from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../../../config/notify-config.js';
import { inboxTopic } from '../../inbox.publisher.js';
import { InboxRepository, type InboxItemRow } from '../../inbox.repository.js';

export interface StreamInboxCommand {
  principal: Principal;
  /** The Last-Event-ID header: the last sequence number the client saw. */
  lastEventId: string | undefined;
  /** Opens the event stream (after this, errors can no longer be answered in the envelope). */
  open: (opts: SseOptions) => SseStream;
}

const PAGE = 100;
/** Who may read an inbox (the controller's @Roles): a role change that leaves none of them ends the stream. */
const INBOX_ROLES = [Role.User, Role.Organizer, Role.Admin];
const SEQ = /^\d{1,18}$/;

const view = (r: InboxItemRow) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  data: r.data,
  category: r.category,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/**
 * The caller's inbox, live: `notification` events (SSE id = the item's sequence number) and
 * `unread_count` whenever it changes. With Last-Event-ID it first sends every item after that one.
 */
@Injectable()
export class StreamInboxUseCase {
  private readonly log = new Logger('StreamInbox');

  constructor(
    private readonly inbox: InboxRepository,
    @Inject(LIVE_BUS) private readonly bus: LiveBus,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
    private readonly revocations: StreamRevocations,
  ) {}

  /**
   * Checks the request, then opens the stream; it runs until the client leaves, the credential
   * expires or is revoked (session ended, user deactivated: a final `revoked` event, within one
   * revocation-feed poll), or the server stops.
   */
  execute(cmd: StreamInboxCommand): void {
    const after = cmd.lastEventId;
    if (after !== undefined && !SEQ.test(after)) {
      throw AppException.validation('Last-Event-ID is not an event id of this stream', [
        { field: 'Last-Event-ID', messages: ['must be a sequence number sent by this stream'] },
      ]);
    }
    const p = cmd.principal;
    const session = new InboxStreamSession(
      this.inbox,
      p.tenantId!,
      p.userId!,
      cmd.open({ keepaliveMs: this.config.SSE_KEEPALIVE * 1000, maxBufferedBytes: this.config.SSE_MAX_BUFFER_BYTES }),
      this.log,
    );
    // Subscribe before reading the database: whatever commits meanwhile arrives as a signal and is de-duplicated by seq.
    const off = this.bus.subscribe(inboxTopic(p.tenantId!, p.userId!), (s) => session.signal(s), { onResync: () => session.resync() });
    const expiry = p.expiresAt ? setTimeout(() => session.stream.close(), Math.min(2 ** 31 - 1, p.expiresAt * 1000 - Date.now())) : null;
    expiry?.unref();
    // A last `revoked` event tells the client why (an EventSource reconnecting with the same token then gets 401 and stops).
    const unwatch = this.revocations.watch(p, (reason) => session.stream.closeWith({ event: 'revoked', data: { reason } }), {
      anyOfRoles: INBOX_ROLES,
    });
    session.stream.onClose(() => {
      off();
      unwatch();
      if (expiry) clearTimeout(expiry);
    });
    void session.start(after);
  }
}

/**
 * One open stream. Everything it sends goes through one loop (pump), so events leave in order and
 * a burst of signals costs one query: signals only mark what to re-read. `hwm` is the highest
 * sequence number sent; the loop reads items above it, so the backfill and live items join with
 * nothing lost and nothing twice.
 */
class InboxStreamSession {
  private hwm = 0n;
  /** The resume point: items at or below it belong to an earlier connection. */
  private floor = 0n;
  private started = false;
  private pumping = false;
  private itemsDirty = true;
  private unreadDirty = true;
  private lastUnread: number | null = null;
  /** Signalled items at or below hwm not yet sent: committed after a newer one (two accepts racing). */
  private late: string[] = [];
  private readonly sent = new RecentSeqs(10_000);

  constructor(
    private readonly inbox: InboxRepository,
    private readonly tenantId: string,
    private readonly userId: string,
    readonly stream: SseStream,
    private readonly log: Logger,
  ) {}

  async start(after: string | undefined): Promise<void> {
    try {
      this.hwm = this.floor = BigInt(after ?? (await this.inbox.lastSeq(this.tenantId, this.userId)));
      this.started = true;
      this.kick();
    } catch (err) {
      this.fail(err);
    }
  }

  signal(s: LivePayload): void {
    if (s.kind === 'item' && typeof s.seq === 'string' && SEQ.test(s.seq)) {
      const seq = BigInt(s.seq);
      if (seq > this.hwm) this.itemsDirty = true;
      else if (seq > this.floor && !this.sent.has(s.seq)) this.late.push(s.seq);
    } else if (s.kind !== 'unread') return;
    this.unreadDirty = true;
    this.kick();
  }

  /** The bus may have dropped signals: re-read both. */
  resync(): void {
    this.itemsDirty = this.unreadDirty = true;
    this.kick();
  }

  private kick(): void {
    if (!this.started || this.pumping || !this.stream.isOpen) return;
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.pumping = false;
        if (this.itemsDirty || this.late.length > 0 || this.unreadDirty) this.kick();
      });
  }

  private async pump(): Promise<void> {
    while (this.stream.isOpen && (this.itemsDirty || this.late.length > 0 || this.unreadDirty)) {
      if (this.itemsDirty) {
        this.itemsDirty = false;
        const rows = await this.inbox.listSince(this.tenantId, this.userId, this.hwm.toString(), PAGE);
        for (const r of rows) {
          const seq = BigInt(r.seq);
          if (seq <= this.hwm) continue;
          this.hwm = seq;
          if (!(await this.send(r, r.seq))) return;
        }
        if (rows.length === PAGE) this.itemsDirty = true;
        continue;
      }
      const seq = this.late.shift();
      if (seq !== undefined) {
        const r = this.sent.has(seq) ? undefined : await this.inbox.findBySeq(this.tenantId, this.userId, seq);
        // Its own seq would move the client's Last-Event-ID backwards (and a resume would repeat items): it carries hwm.
        if (r && !(await this.send(r, this.hwm.toString()))) return;
        continue;
      }
      this.unreadDirty = false;
      const count = await this.inbox.unreadCount(this.tenantId, this.userId);
      if (count !== this.lastUnread) {
        this.lastUnread = count;
        this.stream.send({ id: this.hwm.toString(), event: 'unread_count', data: { count } });
      }
    }
  }

  /** Waits while the client's backlog drains (dropped if it cannot keep up); false once the stream is gone. */
  private async send(r: InboxItemRow, id: string): Promise<boolean> {
    this.sent.add(r.seq);
    if (!this.stream.send({ id, event: 'notification', data: view(r) })) return false;
    return !this.stream.backlogged || this.stream.drained();
  }

  private fail(err: unknown): void {
    this.log.warn(`inbox stream ended: ${String(err)}`);
    this.stream.close();
  }
}
