import { Injectable } from '@nestjs/common';
import { AppException } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { ApiKeyStore } from '../../api-key.store.js';
import { ApiKeyVerifier } from '../../api-key.verifier.js';
import { UnitOfWork } from '../../../database/unit-of-work.js';

@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: ApiKeyStore,
    private readonly verifier: ApiKeyVerifier,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  /**
   * Revokes a live key of the tenant; unknown, already revoked or another tenant's: 404. Joins the
   * open transaction (RFC 7009 revocation, which checked its caller), else opens its own.
   */
  async execute(
    tenantId: string,
    id: string,
    actor: { userId: string | null; meta?: RequestMeta; acting?: Actor },
  ): Promise<{ id: string; revokedAt: string }> {
    const result = await this.uow.run(async () => {
      if (actor.acting) await this.acting.lock(actor.acting);
      return this.revoke(tenantId, id, actor);
    });
    this.verifier.forget(id);
    return result;
  }

  private async revoke(
    tenantId: string,
    id: string,
    actor: { userId: string | null; meta?: RequestMeta },
  ): Promise<{ id: string; revokedAt: string }> {
    const revokedAt = await this.keys.revoke(tenantId, id);
    if (!revokedAt) throw AppException.notFound('API key');
    this.verifier.forget(id);
    await this.audit.record({
      type: AuditEventType.ApiKeyRevoked,
      tenantId,
      actorUserId: actor.userId,
      meta: actor.meta,
      details: { keyId: id },
    });
    return { id, revokedAt: revokedAt.toISOString() };
  }
}
