import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException, queryRows } from '#common';
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
  ) {}

  /** Revokes a live key of the tenant; unknown, already revoked or another tenant's: 404. */
  async execute(
    tenantId: string,
    id: string,
    actor: { userId: string | null; meta?: RequestMeta },
  ): Promise<{ id: string; revokedAt: string }> {
    const [row] = await queryRows<{ revoked_at: Date }>(
      this.db,
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING revoked_at`,
      [id, tenantId],
    );
    if (!row) throw AppException.notFound('API key');
    this.verifier.forget(id);
    await this.audit.record({
      type: AuditEventType.ApiKeyRevoked,
      tenantId,
      actorUserId: actor.userId,
      meta: actor.meta,
      details: { keyId: id },
    });
    return { id, revokedAt: row.revoked_at.toISOString() };
  }
}
