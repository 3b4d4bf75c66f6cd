import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SessionStore } from './session.store.js';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Runs SessionStore.sweep every hour. */
@Injectable()
export class SessionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly sessions: SessionStore) {}

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

  sweep(): Promise<number> {
    return this.sessions.sweep();
  }
}
