import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppException, queryRows } from '#common';
import { ActingUserPolicy } from '../../../actors/acting-user.policy.js';
import type { Actor } from '../../../actors/acting.decorator.js';
import { AuditEventType } from '../../../audit/audit-event-types.js';
import { AuditService } from '../../../audit/audit.service.js';
import type { RequestMeta } from '../../../audit/request-meta.decorator.js';
import { ApiKeyVerifier } from '../../api-key.verifier.js';

@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly db: DataSource,
    private readonly verifier: ApiKeyVerifier,
    private readonly audit: AuditService,
    private readonly acting: ActingUserPolicy,
  ) {}

  /**
   * Revokes a live key of the tenant; unknown, already revoked or another tenant's: 404. In `em`'s
   * transaction when given (RFC 7009 revocation, which checked its caller), else in its own.
   */
  async execute(
    tenantId: string,
    id: string,
    actor: { userId: string | null; meta?: RequestMeta; acting?: Actor },
    em?: EntityManager,
  ): Promise<{ id: string; revokedAt: string }> {
    const run = async (m: EntityManager) => {
      if (actor.acting) await this.acting.lock(m, actor.acting);
      return this.revoke(m, tenantId, id, actor);
    };
    const result = em ? await run(em) : await this.db.transaction(run);
    this.verifier.forget(id);
    return result;
  }

  private async revoke(
    em: EntityManager,
    tenantId: string,
    id: string,
    actor: { userId: string | null; meta?: RequestMeta },
  ): Promise<{ id: string; revokedAt: string }> {
    const [row] = await queryRows<{ revoked_at: Date }>(
      em,
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING revoked_at`,
      [id, tenantId],
    );
    if (!row) throw AppException.notFound('API key');
    this.verifier.forget(id);
    await this.audit.record(
      { type: AuditEventType.ApiKeyRevoked, tenantId, actorUserId: actor.userId, meta: actor.meta, details: { keyId: id } },
      em,
    );
    return { id, revokedAt: row.revoked_at.toISOString() };
  }
}
