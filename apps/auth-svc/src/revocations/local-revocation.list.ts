import { Injectable, Logger } from '@nestjs/common';
import { RevocationSet, type RevocationList } from '#auth-kit';
import { ListRevocationsUseCase } from './usecases/list-revocations/list-revocations.usecase.js';

/** How stale auth-svc's own view of revocations may be: it refuses an ended session's tokens within this. */
const POLL_MS = 1000;

/**
 * auth-svc's own routes read the same feed it serves, straight from its database, once a second:
 * an ended session or deactivated user is refused on every instance within about a second, and a
 * request costs no query.
 */
@Injectable()
export class LocalRevocationList implements RevocationList {
  private readonly logger = new Logger('Revocations');
  private readonly set = new RevocationSet();
  private cursor: string | undefined;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(private readonly feed: ListRevocationsUseCase) {}

  isRevoked(p: Parameters<RevocationList['isRevoked']>[0]): boolean {
    return this.set.isRevoked(p);
  }

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  poll(): Promise<void> {
    this.running ??= this.feed
      .execute(this.cursor)
      .then((f) => {
        this.set.apply(f);
        this.cursor = f.cursor;
      })
      .catch((err: Error) => this.logger.warn(`revocation poll failed: ${err.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }
}
