import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';

/** One provider's attempts for the tenant over the last 24 hours (counts as PostgreSQL returns them: text). */
export interface AttemptStatsRow {
  channel: string;
  provider: string;
  sent: string;
  temporary: string;
  permanent: string;
  circuit_open: string;
  last_error: string | null;
  last_error_at: Date | null;
  last_attempt_at: Date | null;
}

/** What the providers' admin view reads: delivery attempts and the backlog, in the caller's tenant transaction. */
@Injectable()
export class ProviderStatsRepository {
  constructor(readonly uow: UnitOfWork) {}

  /** Per channel and provider, the last 24 hours' attempts by outcome; attempts that found every breaker open (CIRCUIT_OPEN) apart. */
  attemptStats(tx: Tx): Promise<AttemptStatsRow[]> {
    return tx.rows<AttemptStatsRow>(
      `SELECT channel, provider,
              count(*) FILTER (WHERE outcome = 'sent') AS sent,
              count(*) FILTER (WHERE outcome = 'temporary' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN') AS temporary,
              count(*) FILTER (WHERE outcome = 'permanent') AS permanent,
              count(*) FILTER (WHERE error_code = 'CIRCUIT_OPEN') AS circuit_open,
              (array_agg(error ORDER BY created_at DESC) FILTER (WHERE outcome <> 'sent' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN'))[1] AS last_error,
              max(created_at) FILTER (WHERE outcome <> 'sent' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN') AS last_error_at,
              max(created_at) AS last_attempt_at
       FROM delivery_attempts WHERE tenant_id = $1 AND created_at > now() - interval '24 hours'
       GROUP BY channel, provider`,
      [tx.tenantId],
    );
  }

  /** Deliveries waiting to be sent (queued, scheduled, sending), per channel. */
  async backlog(tx: Tx): Promise<Map<string, number>> {
    const rows = await tx.rows<{ channel: string; n: string }>(
      `SELECT channel, count(*) AS n FROM deliveries WHERE tenant_id = $1 AND status IN ('queued', 'scheduled', 'sending') GROUP BY channel`,
      [tx.tenantId],
    );
    return new Map(rows.map((b) => [b.channel, Number(b.n)]));
  }
}
