import { Inject, Injectable, Logger } from '@nestjs/common';
import { LIVE_BUS, type LiveBus } from '#common';

/** The live-bus topic of one user's inbox. */
export const inboxTopic = (tenantId: string, userId: string) => `inbox:${tenantId}:${userId}`;

/** What travels on the bus: ids only (NOTIFY payloads are small); streams read the items themselves. */
export type InboxSignal = { kind: 'item'; seq: string } | { kind: 'unread' };

/**
 * Tells every instance's open streams of a user that the inbox changed. Called after the change is
 * committed, and never throws: the change stands whether or not the signal goes out, and a stream
 * that missed one catches up from the database when it reconnects (or when the bus re-syncs).
 */
@Injectable()
export class InboxPublisher {
  private readonly log = new Logger('InboxPublisher');

  constructor(@Inject(LIVE_BUS) private readonly bus: LiveBus) {}

  /** A new item with this sequence number (it also changes the unread count). */
  published(tenantId: string, userId: string, seq: string): Promise<void> {
    return this.signal(tenantId, userId, { kind: 'item', seq });
  }

  unreadChanged(tenantId: string, userId: string): Promise<void> {
    return this.signal(tenantId, userId, { kind: 'unread' });
  }

  private async signal(tenantId: string, userId: string, s: InboxSignal): Promise<void> {
    try {
      await this.bus.publish(inboxTopic(tenantId, userId), s);
    } catch (err) {
      this.log.warn(`inbox signal not sent: ${String(err)}`);
    }
  }
}
