import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import type { SummaryQueryDto } from '../../dtos/summary.query.js';

/** Counts by status and channel and delivery latency percentiles over a period (a user: their own). */
@Injectable()
export class SummarizeDeliveriesUseCase {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(p: Principal, q: SummaryQueryDto) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to) throw AppException.validation('from must be before to', [{ field: 'from', messages: ['must be before to'] }]);
    const params: unknown[] = [p.tenantId, from, to];
    let own = '';
    if (!seesWholeTenant(p)) own = ` AND user_id = $${params.push(p.userId)}`;
    const where = `tenant_id = $1 AND created_at >= $2 AND created_at < $3${own}`;
    return this.uow.tenant(
      p.tenantId!,
      async (tx) => {
        const groups = await tx.rows<{ status: string; channel: string; n: string }>(
          `SELECT status, channel, count(*) AS n FROM deliveries WHERE ${where} GROUP BY status, channel`,
          params,
        );
        const lat = await tx.one<{ p50: number | null; p95: number | null }>(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
           FROM (SELECT EXTRACT(EPOCH FROM (delivered_at - coalesce(send_at, created_at))) * 1000 AS ms
                 FROM deliveries WHERE ${where} AND delivered_at IS NOT NULL) t`,
          params,
        );
        const byStatus: Record<string, number> = {};
        const byChannel: Record<string, number> = {};
        let total = 0;
        for (const g of groups) {
          const n = Number(g.n);
          total += n;
          byStatus[g.status] = (byStatus[g.status] ?? 0) + n;
          byChannel[g.channel] = (byChannel[g.channel] ?? 0) + n;
        }
        const round = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));
        return { from, to, total, byStatus, byChannel, latencyMs: { p50: round(lat?.p50), p95: round(lat?.p95) } };
      },
      { readOnly: true },
    );
  }
}
