import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/unit-of-work.js';

/** The period and, for a user, whose deliveries only. */
export interface SummaryScope {
  from: Date;
  to: Date;
  userId?: string;
}

/** The aggregates behind GET /metrics/summary, over the tenant's deliveries in a period. */
@Injectable()
export class DeliverySummaryRepository {
  countsByStatusAndChannel(tx: Tx, scope: SummaryScope): Promise<Array<{ status: string; channel: string; n: string }>> {
    const { where, params } = this.where(tx, scope);
    return tx.rows(`SELECT status, channel, count(*) AS n FROM deliveries WHERE ${where} GROUP BY status, channel`, params);
  }

  /** Delivery latency percentiles in ms (accepted or scheduled time to delivered), null when nothing was delivered. */
  latency(tx: Tx, scope: SummaryScope): Promise<{ p50: number | null; p95: number | null } | undefined> {
    const { where, params } = this.where(tx, scope);
    return tx.one(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
       FROM (SELECT EXTRACT(EPOCH FROM (delivered_at - coalesce(send_at, created_at))) * 1000 AS ms
             FROM deliveries WHERE ${where} AND delivered_at IS NOT NULL) t`,
      params,
    );
  }

  private where(tx: Tx, scope: SummaryScope): { where: string; params: unknown[] } {
    const params: unknown[] = [tx.tenantId, scope.from, scope.to];
    const own = scope.userId === undefined ? '' : ` AND user_id = $${params.push(scope.userId)}`;
    return { where: `tenant_id = $1 AND created_at >= $2 AND created_at < $3${own}`, params };
  }
}
