import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';

/**
 * bcrypt on libuv's thread pool (the async API), never on the event loop, and at most
 * BCRYPT_CONCURRENCY at once: more parallel hashes than cores gain no throughput, but they crowd
 * out the event loop thread, and with it every cheap request (refresh, JWKS) during a login flood.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Compared against when there is no account, so an unknown email costs the same as a wrong password. */
  private dummyHash = '';
  private readonly limit: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    this.limit = config.BCRYPT_CONCURRENCY || availableParallelism();
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash('not-a-real-password-but-same-cost', this.config.BCRYPT_COST);
  }

  hash(password: string): Promise<string> {
    return this.run(() => bcrypt.hash(password, this.config.BCRYPT_COST));
  }

  /** Always runs one bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const ok = await this.run(() => bcrypt.compare(password, hash || this.dummyHash));
    return ok && !!hash;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
