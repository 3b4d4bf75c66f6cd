import { Inject, Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { CLOCK_TOLERANCE_SECONDS, type RevocationFeed } from '#auth-kit';
import { AUTH_CONFIG, type AuthConfig } from '../../../config/auth-config.js';
import { SessionStore } from '../../../sessions/session.store.js';
import { UsersService } from '../../../users/users.service.js';

/**
 * Each answer reaches this far behind the cursor: a revocation is stamped with its transaction's
 * start (now()) but seen only at commit, so a poll may run between the two.
 */
const OVERLAP_MS = 60_000;
const CURSOR = /^\d{1,15}$/;

/**
 * The revocation feed: sessions ended, users deactivated and users' roles changed since a cursor (or, without one, within
 * the lifetime of any access token still alive). Everything a verifier must refuse before `exp`.
 */
@Injectable()
export class ListRevocationsUseCase {
  constructor(
    private readonly sessions: SessionStore,
    private readonly users: UsersService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Seconds an entry matters: the longest an access token lives, plus the clock tolerance and the overlap. */
  get retainSeconds(): number {
    return this.config.ACCESS_TOKEN_TTL + CLOCK_TOLERANCE_SECONDS + OVERLAP_MS / 1000;
  }

  async execute(cursor?: string): Promise<RevocationFeed> {
    if (cursor !== undefined && !CURSOR.test(cursor)) {
      throw AppException.validation('Invalid cursor', [{ field: 'since', messages: ['must be a cursor from a previous answer'] }]);
    }
    const now = Date.now();
    const oldest = now - this.retainSeconds * 1000;
    const since = new Date(Math.max(cursor === undefined ? oldest : Number(cursor) - OVERLAP_MS, oldest));
    const [sessions, users, roles] = await Promise.all([
      this.sessions.revokedSince(since),
      this.users.deactivatedSince(since),
      this.users.rolesChangedSince(since),
    ]);
    return { cursor: String(now), sessions, users, roles, retainSeconds: this.retainSeconds };
  }
}
