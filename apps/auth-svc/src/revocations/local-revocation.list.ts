import { Injectable, Logger } from '@nestjs/common';
import { PolledRevocationList } from '#auth-kit';
import { ListRevocationsUseCase } from './usecases/list-revocations/list-revocations.usecase.js';

/** How stale auth-svc's own view of revocations may be: it refuses an ended session's tokens within this. */
const POLL_MS = 1000;

/**
 * auth-svc's own routes read the same feed it serves, straight from its database, once a second:
 * an ended session or deactivated user is refused on every instance within about a second, and a
 * request costs no query.
 */
@Injectable()
export class LocalRevocationList extends PolledRevocationList {
  constructor(feed: ListRevocationsUseCase) {
    const logger = new Logger('Revocations');
    super(
      (cursor) => feed.execute(cursor),
      POLL_MS,
      (err) => logger.warn(`revocation poll failed: ${(err as Error).message}`),
    );
  }
}
