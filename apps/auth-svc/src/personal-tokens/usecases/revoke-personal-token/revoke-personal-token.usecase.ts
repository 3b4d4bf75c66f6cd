import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { type Tx, UnitOfWork } from '../../../database/unit-of-work.js';

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
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  /** Unknown, already revoked, or not the caller's to revoke: 404. Joins the open transaction, else opens its own. */
  execute(cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    return this.uow.run(async (tx) => {
      if (cmd.acting) await this.acting.lock(cmd.acting);
      return this.revoke(tx, cmd);
    });
  }

  private async revoke(tx: Tx, cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    const [row] = await tx.rows<{ revoked_at: Date; user_id: string }>(
      `UPDATE personal_tokens SET revoked_at = now()
        WHERE id = $1 AND tenant_id = $2 AND ($3::uuid IS NULL OR user_id = $3::uuid) AND revoked_at IS NULL
        RETURNING revoked_at, user_id`,
      [cmd.id, cmd.tenantId, cmd.userId],
    );
    if (!row) throw AppException.notFound('Personal token');
    await this.audit.record({
      type: AuditEventType.PersonalTokenRevoked,
      tenantId: cmd.tenantId,
      actorUserId: cmd.actorUserId,
      targetUserId: row.user_id,
      meta: cmd.meta,
      details: { tokenId: cmd.id },
    });
    return { id: cmd.id, revokedAt: row.revoked_at.toISOString() };
  }
}
