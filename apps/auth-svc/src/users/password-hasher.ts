import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';

/** bcrypt on libuv's thread pool (the async API), never on the event loop. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Compared against when there is no account, so an unknown email costs the same as a wrong password. */
  private dummyHash = '';

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash('not-a-real-password-but-same-cost', this.config.BCRYPT_COST);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.BCRYPT_COST);
  }

  /** Always runs one bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const ok = await bcrypt.compare(password, hash || this.dummyHash);
    return ok && !!hash;
  }
}
