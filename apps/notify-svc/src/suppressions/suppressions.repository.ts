import { cursorPosition, pageOf } from '#common';
import { Injectable } from '@nestjs/common';
import type { Page } from '#common';
import { UnitOfWork } from '../tenancy/unit-of-work.js';

export interface SuppressionRow {
  id: string;
  channel: string;
  address: string;
  reason: string;
  user_id: string | null;
  created_by: string;
  created_at: Date;
}
const COLS = 'id, channel, address, reason, user_id, created_by, created_at';

@Injectable()
export class SuppressionsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  create(
    tenantId: string,
    s: { channel: string; address: string; reason: string; userId: string | null },
    by: string,
  ): Promise<SuppressionRow> {
    return this.uow.tenant(
      tenantId,
      async (tx) =>
        (await tx.one<SuppressionRow>(
          `INSERT INTO suppressions (tenant_id, channel, address, reason, user_id, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLS}`,
          [tenantId, s.channel, s.address, s.reason, s.userId, by],
        ))!,
    );
  }

  list(tenantId: string, f: { userId?: string; channel?: string }, limit: number, cursor?: string): Promise<Page<SuppressionRow>> {
    const params: unknown[] = [tenantId, limit + 1];
    const where = ['tenant_id = $1'];
    if (f.userId) where.push(`user_id = $${params.push(f.userId)}`);
    if (f.channel) where.push(`channel = $${params.push(f.channel)}`);
    if (cursor) {
      const c = cursorPosition(cursor);
      where.push(`(created_at, id) < ($${params.push(c.at)}, $${params.push(c.id)})`);
    }
    return this.uow.tenant(
      tenantId,
      async (tx) =>
        pageOf(
          await tx.rows<SuppressionRow>(
            `SELECT ${COLS} FROM suppressions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $2`,
            params,
          ),
          limit,
          (r) => r.created_at,
        ),
      { readOnly: true },
    );
  }

  async remove(tenantId: string, id: string, userId?: string): Promise<boolean> {
    const own = userId ? ' AND user_id = $3' : '';
    const params = userId ? [tenantId, id, userId] : [tenantId, id];
    return (
      (await this.uow.tenant(tenantId, (tx) => tx.exec(`DELETE FROM suppressions WHERE tenant_id = $1 AND id = $2${own}`, params))) > 0
    );
  }
}
