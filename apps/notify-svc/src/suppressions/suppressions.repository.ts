import { Injectable } from '@nestjs/common';
import { newestFirst, type IsoDates, type Page } from '#common';
import { UnitOfWork } from '../database/unit-of-work.js';

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

  /**
   * Adds the address unless it is already suppressed (a provider's bounce, complaint or opt-out),
   * joining the caller's transaction; true when it was added.
   */
  async ensure(tenantId: string, s: { channel: string; address: string; reason: string }, by: string): Promise<boolean> {
    const added = await this.uow.tenant(tenantId, (tx) =>
      tx.exec(
        `INSERT INTO suppressions (tenant_id, channel, address, reason, user_id, created_by) VALUES ($1, $2, $3, $4, NULL, $5)
         ON CONFLICT (tenant_id, channel, address) DO NOTHING`,
        [tenantId, s.channel, s.address, s.reason.slice(0, 500), by],
      ),
    );
    return added > 0;
  }

  /** Lifts the address's suppression if `by` added it (an opt-in lifts what an opt-out added, never an admin's); true when lifted. */
  async liftAddedBy(tenantId: string, channel: string, address: string, by: string): Promise<boolean> {
    const lifted = await this.uow.tenant(tenantId, (tx) =>
      tx.exec(`DELETE FROM suppressions WHERE tenant_id = $1 AND channel = $2 AND address = $3 AND created_by = $4`, [
        tenantId,
        channel,
        address,
        by,
      ]),
    );
    return lifted > 0;
  }

  list(
    tenantId: string,
    f: { userId?: string; channel?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<IsoDates<SuppressionRow>>> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = $1';
    if (f.userId) where += ` AND user_id = $${params.push(f.userId)}`;
    if (f.channel) where += ` AND channel = $${params.push(f.channel)}`;
    return this.uow.tenant(
      tenantId,
      (tx) => newestFirst<SuppressionRow>(tx, { from: 'suppressions', cols: COLS, where, params, limit, cursor }),
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
