import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { SessionStore } from '../../session.store.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class EndSessionUseCase {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    private readonly acting: ActingUserPolicy,
  ) {}

  /** Ends one of the caller's own sessions; anyone else's (or an ended one) is 404. */
  async execute(tenantId: string, userId: string, sessionId: string, meta: RequestMeta, actor: Actor): Promise<void> {
    await this.uow.run(async () => {
      await this.acting.lock(actor);
      if (!(await this.sessions.revoke(sessionId, userId, 'ended_by_user'))) throw AppException.notFound('Session');
      await this.audit.record({
        type: AuditEventType.SessionRevoked,
        tenantId,
        actorUserId: userId,
        targetUserId: userId,
        meta,
        details: { sessionId },
      });
    });
  }
}
