import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppException } from '#common';

export interface RevokePersonalTokenCommand {
  id: string;
  tenantId: string;
  /** Only this user's token; null lets a tenant admin revoke anyone's token in the tenant. */
  userId: string | null;
}

@Injectable()
export class RevokePersonalTokenUseCase {
  constructor(private readonly db: DataSource) {}

  /** Unknown, already revoked, or not the caller's to revoke: 404. */
  async execute(cmd: RevokePersonalTokenCommand): Promise<{ id: string; revokedAt: string }> {
    const [rows] = await this.db.query(
      `UPDATE personal_tokens SET revoked_at = now()
        WHERE id = $1 AND tenant_id = $2 AND ($3::uuid IS NULL OR user_id = $3::uuid) AND revoked_at IS NULL
        RETURNING revoked_at`,
      [cmd.id, cmd.tenantId, cmd.userId],
    );
    const row = (rows as Array<{ revoked_at: Date }>)[0];
    if (!row) throw AppException.notFound('Personal token');
    return { id: cmd.id, revokedAt: row.revoked_at.toISOString() };
  }
}
