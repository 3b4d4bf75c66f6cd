import { Injectable } from '@nestjs/common';
import type { Page, PaginationQueryDto } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';
import { pageOfLiveCredentials } from '../introspection/live-credentials.js';
import { ApiKey } from './api-key.entity.js';

/** The api_keys table, in the open transaction when there is one. */
@Injectable()
export class ApiKeyStore {
  constructor(private readonly uow: UnitOfWork) {}

  /** A page of the tenant's keys that are not revoked, newest first. */
  listLive(tenantId: string, query: PaginationQueryDto): Promise<Page<ApiKey>> {
    return pageOfLiveCredentials(this.uow.db.repo(ApiKey), { column: 'tenant_id', id: tenantId }, query);
  }

  /** Saves a new key. */
  insert(fields: Omit<ApiKey, 'createdAt'>): Promise<ApiKey> {
    const keys = this.uow.db.repo(ApiKey);
    return keys.save(keys.create(fields));
  }

  findInTenant(tenantId: string, id: string): Promise<ApiKey | null> {
    return this.uow.db.repo(ApiKey).findOne({ where: { id, tenantId } });
  }

  /** Revokes a live key of the tenant; null when unknown, already revoked or another tenant's. */
  async revoke(tenantId: string, id: string): Promise<Date | null> {
    const row = await this.uow.db.one<{ revoked_at: Date }>(
      `UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING revoked_at`,
      [id, tenantId],
    );
    return row?.revoked_at ?? null;
  }

  /**
   * A new secret hash for a live key. With an overlap, the current secret becomes the previous one
   * and keeps working that many seconds; without, it stops at once. Null when the key is revoked.
   */
  async rotateSecret(
    id: string,
    secretHash: Buffer,
    overlapSeconds: number,
  ): Promise<{ previousExpiresAt: Date | null; rotatedAt: Date } | null> {
    const row = await this.uow.db.one<{ previous_expires_at: Date | null; rotated_at: Date }>(
      `UPDATE api_keys
          SET previous_secret_hash = CASE WHEN $3::int > 0 THEN secret_hash END,
              previous_expires_at = CASE WHEN $3::int > 0 THEN now() + make_interval(secs => $3::int) END,
              secret_hash = $2, rotated_at = now()
        WHERE id = $1 AND revoked_at IS NULL
        RETURNING previous_expires_at, rotated_at`,
      [id, secretHash, overlapSeconds],
    );
    return row ? { previousExpiresAt: row.previous_expires_at, rotatedAt: row.rotated_at } : null;
  }
}
