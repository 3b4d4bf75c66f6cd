import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppException, queryRows } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';

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
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  /** Unknown, already revoked, or not the caller's to revoke: 404. */
  async execute(cmd: RevokePersonalTokenCommand, em?: EntityManager): Promise<{ id: string; revokedAt: string }> {
    const run = async (m: EntityManager) => {
      if (cmd.acting) await this.acting.lock(m, cmd.acting);
      return this.revoke(m, cmd);
    };
    return em ? run(em) : this.db.transaction(run);
  }

  private async revoke(em: EntityManager, cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    const [row] = await queryRows<{ revoked_at: Date; user_id: string }>(
      em,
      `UPDATE personal_tokens SET revoked_at = now()
        WHERE id = $1 AND tenant_id = $2 AND ($3::uuid IS NULL OR user_id = $3::uuid) AND revoked_at IS NULL
        RETURNING revoked_at, user_id`,
      [cmd.id, cmd.tenantId, cmd.userId],
    );
    if (!row) throw AppException.notFound('Personal token');
    await this.audit.record(
      {
        type: AuditEventType.PersonalTokenRevoked,
        tenantId: cmd.tenantId,
        actorUserId: cmd.actorUserId,
        targetUserId: row.user_id,
        meta: cmd.meta,
        details: { tokenId: cmd.id },
      },
      em,
    );
    return { id: cmd.id, revokedAt: row.revoked_at.toISOString() };
  }
}
