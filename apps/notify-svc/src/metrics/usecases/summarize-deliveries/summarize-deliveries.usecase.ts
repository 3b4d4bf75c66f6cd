import { Injectable } from '@nestjs/common';
import { AppException, type Principal } from '#common';
import { UnitOfWork } from '../../../database/unit-of-work.js';
import { seesWholeTenant } from '../../../tenancy/visibility.js';
import { DeliverySummaryRepository } from '../../delivery-summary.repository.js';
import type { SummaryQueryDto } from '../../dtos/summary.query.js';

/** Counts by status and channel and delivery latency percentiles over a period (a user: their own). */
@Injectable()
export class SummarizeDeliveriesUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly summary: DeliverySummaryRepository,
  ) {}

  async execute(p: Principal, q: SummaryQueryDto) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
    if (from >= to) throw AppException.validation('from must be before to', [{ field: 'from', messages: ['must be before to'] }]);
    const scope = { from, to, ...(seesWholeTenant(p) ? {} : { userId: p.userId! }) };
    return this.uow.tenant(
      p.tenantId!,
      async (tx) => {
        const groups = await this.summary.countsByStatusAndChannel(tx, scope);
        const lat = await this.summary.latency(tx, scope);
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
