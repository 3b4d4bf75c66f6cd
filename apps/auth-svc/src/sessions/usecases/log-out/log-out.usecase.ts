import { Injectable } from '@nestjs/common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { TokenService } from '../../../tokens/token.service.js';
import { SessionStore } from '../../session.store.js';

@Injectable()
export class LogOutUseCase {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
  ) {}

  /** Ends the refresh token's session. Idempotent for a session that has already ended. */
  async execute(refreshToken: string, meta: RequestMeta): Promise<void> {
    const claims = await this.tokens.verifyRefreshToken(refreshToken);
    if (await this.sessions.revoke(claims.sid, claims.sub, 'logout')) {
      await this.audit.record({
        type: AuditEventType.Logout,
        tenantId: claims.tenantId,
        actorUserId: claims.sub,
        targetUserId: claims.sub,
        meta,
        details: { sessionId: claims.sid },
      });
    }
  }
}
