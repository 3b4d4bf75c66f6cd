import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { SessionStore } from '../../session.store.js';

@Injectable()
export class EndSessionUseCase {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
  ) {}

  /** Ends one of the caller's own sessions; anyone else's (or an ended one) is 404. */
  async execute(tenantId: string, userId: string, sessionId: string, meta: RequestMeta): Promise<void> {
    if (!(await this.sessions.revoke(sessionId, userId, 'ended_by_user'))) throw AppException.notFound('Session');
    await this.audit.record({
      type: AuditEventType.SessionRevoked,
      tenantId,
      actorUserId: userId,
      targetUserId: userId,
      meta,
      details: { sessionId },
    });
  }
}
