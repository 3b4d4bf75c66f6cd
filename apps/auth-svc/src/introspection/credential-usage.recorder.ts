import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work.js';

const FLUSH_INTERVAL_MS = 5_000;

/**
 * Remembers which API keys and personal tokens were used and writes `last_used_at` for all of them
 * in one UPDATE per table every few seconds: a hot key costs no write per request, and lastUsedAt is
 * at most one interval behind.
 */
@Injectable()
export class CredentialUsageRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private readonly log = new Logger('CredentialUsage');
  private apiKeys = new Set<string>();
  private personalTokens = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly uow: UnitOfWork) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  apiKeyUsed(id: string): void {
    this.apiKeys.add(id);
  }

  personalTokenUsed(id: string): void {
    this.personalTokens.add(id);
  }

  /** Writes what is pending; concurrent calls are serialised so no id is lost or written twice. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const keys = [...this.apiKeys];
    const tokens = [...this.personalTokens];
    this.apiKeys = new Set();
    this.personalTokens = new Set();
    if (!this.uow.connected) return;
    try {
      if (keys.length) await this.uow.db.rows('UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::text[])', [keys]);
      if (tokens.length) await this.uow.db.rows('UPDATE personal_tokens SET last_used_at = now() WHERE id = ANY($1::text[])', [tokens]);
    } catch (err) {
      // Usage timestamps are informational: a failed write is retried with the next batch.
      for (const id of keys) this.apiKeys.add(id);
      for (const id of tokens) this.personalTokens.add(id);
      this.log.warn(`could not record credential usage: ${(err as Error).message}`);
    }
  }
}
