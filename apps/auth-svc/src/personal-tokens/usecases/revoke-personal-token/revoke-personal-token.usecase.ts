import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { PersonalTokenStore } from '../../personal-token.store.js';

export interface RevokePersonalTokenCommand {
  id: string;
  tenantId: string;
  /** Only this user's token; null lets a tenant admin revoke anyone's token in the tenant. */
  userId: string | null;
  actorUserId: string | null;
  meta?: RequestMeta;
  /** The caller, re-checked in the write's transaction (its current state and roles decide). */
  acting?: Actor;
}

@Injectable()
export class RevokePersonalTokenUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly tokens: PersonalTokenStore,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  /** Unknown, already revoked, or not the caller's to revoke: 404. Joins the open transaction, else opens its own. */
  execute(cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    return this.uow.run(async () => {
      if (cmd.acting) await this.acting.lock(cmd.acting);
      return this.revoke(cmd);
    });
  }

  private async revoke(cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    const revoked = await this.tokens.revoke(cmd.tenantId, cmd.id, cmd.userId);
    if (!revoked) throw AppException.notFound('Personal token');
    await this.audit.record({
      type: AuditEventType.PersonalTokenRevoked,
      tenantId: cmd.tenantId,
      actorUserId: cmd.actorUserId,
      targetUserId: revoked.userId,
      meta: cmd.meta,
      details: { tokenId: cmd.id },
    });
    return { id: cmd.id, revokedAt: revoked.revokedAt.toISOString() };
  }
}
