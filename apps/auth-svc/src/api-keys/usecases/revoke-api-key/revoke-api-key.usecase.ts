import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '#common';
import { ApiKeyVerifier } from '../../api-key.verifier.js';

@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly db: DataSource,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  /** Revokes a live key of the tenant; unknown, already revoked or another tenant's: 404. */
  async execute(tenantId: string, id: string): Promise<{ id: string; revokedAt: string }> {
    const [rows] = await this.db.query(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING revoked_at`,
      [id, tenantId],
    );
    const row = (rows as Array<{ revoked_at: Date }>)[0];
    if (!row) throw AppException.notFound('API key');
    this.verifier.forget(id);
    return { id, revokedAt: row.revoked_at.toISOString() };
  }
}
