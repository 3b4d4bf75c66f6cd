import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '#common';

const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Ended sessions stay listed this long for investigations (their events are in the audit trail for good). */
const KEEP_ENDED = '7 days';

/**
 * Deletes sessions that can never be used again: past their absolute lifetime (no refresh token of
 * theirs can still verify) or ended a week ago. In batches, so no sweep holds locks for long.
 */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.sweep().catch((err: Error) => this.logger.warn(`session sweep failed: ${err.message}`)),
      SWEEP_EVERY_MS,
    );
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await queryRows(
        this.dataSource,
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions
            WHERE absolute_expires_at < now() - interval '${KEEP_ENDED}'
               OR expires_at < now() - interval '${KEEP_ENDED}'
               OR revoked_at < now() - interval '${KEEP_ENDED}'
            LIMIT 5000)
         RETURNING id`,
      );
      const n = rows.length;
      total += n;
      if (n < 5000) return total;
    }
  }
}
