import { Injectable, Logger } from '@nestjs/common';
import { PolledRevocationList } from '#auth-kit';
import { RevocationEvents } from './revocation-events.js';
import { ListRevocationsUseCase } from './usecases/list-revocations/list-revocations.usecase.js';

/** The safety net under the NOTIFY events: how stale auth-svc's view may be when a message was missed. */
const POLL_MS = 1000;

/**
 * auth-svc's own view of revocations (ended sessions, deactivated users, changed roles), consulted
 * for every access token without a query:
 * - the instance that commits a revocation applies it right after COMMIT (refused at once there);
 * - every other instance applies it on the NOTIFY (RevocationEvents), within milliseconds;
 * - and re-reads the feed from its own database once a second and after a lost LISTEN connection.
 */
@Injectable()
export class LocalRevocationList extends PolledRevocationList {
  constructor(feed: ListRevocationsUseCase, events: RevocationEvents) {
    const logger = new Logger('Revocations');
    super(
      (cursor) => feed.execute(cursor),
      POLL_MS,
      (err) => logger.warn(`revocation poll failed: ${(err as Error).message}`),
    );
    events.register(
      (e) => this.apply({ sessions: e.sessions ?? [], users: e.users ?? [], roles: e.roles ?? [], retainSeconds: feed.retainSeconds }),
      () => void this.poll(),
    );
  }
}
