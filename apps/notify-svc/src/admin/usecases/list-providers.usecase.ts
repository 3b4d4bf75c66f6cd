import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../../channels/provider-registry.js';
import type { Channel } from '../../channels/channel-provider.js';
import { CHANNELS } from '../../templates/dtos/template.dto.js';
import { UnitOfWork } from '../../tenancy/unit-of-work.js';

interface AttemptStats {
  channel: string;
  provider: string;
  sent: string;
  temporary: string;
  permanent: string;
  last_error: string | null;
  last_error_at: Date | null;
  last_attempt_at: Date | null;
}

/**
 * Per channel: the provider in use, its state, and what its attempts for this tenant show over the
 * last 24 hours (counts by outcome, error rate, last error), with the tenant's backlog.
 */
@Injectable()
export class ListProvidersUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: ProviderRegistry,
  ) {}

  async execute(tenantId: string) {
    const { stats, backlog } = await this.uow.tenant(
      tenantId,
      async (tx) => ({
        stats: await tx.rows<AttemptStats>(
          `SELECT channel, provider,
                  count(*) FILTER (WHERE outcome = 'sent') AS sent,
                  count(*) FILTER (WHERE outcome = 'temporary') AS temporary,
                  count(*) FILTER (WHERE outcome = 'permanent') AS permanent,
                  (array_agg(error ORDER BY created_at DESC) FILTER (WHERE outcome <> 'sent'))[1] AS last_error,
                  max(created_at) FILTER (WHERE outcome <> 'sent') AS last_error_at,
                  max(created_at) AS last_attempt_at
           FROM delivery_attempts WHERE tenant_id = $1 AND created_at > now() - interval '24 hours'
           GROUP BY channel, provider`,
          [tenantId],
        ),
        backlog: await tx.rows<{ channel: string; n: string }>(
          `SELECT channel, count(*) AS n FROM deliveries WHERE tenant_id = $1 AND status IN ('queued', 'scheduled', 'sending') GROUP BY channel`,
          [tenantId],
        ),
      }),
      { readOnly: true },
    );
    const queued = new Map(backlog.map((b) => [b.channel, Number(b.n)]));
    return CHANNELS.map((channel) => {
      const provider = channel === 'in_app' ? { name: 'inbox' } : this.providers.for(channel as Channel);
      const s = stats.find((r) => r.channel === channel && r.provider === provider?.name);
      const sent = Number(s?.sent ?? 0);
      const failed = Number(s?.temporary ?? 0) + Number(s?.permanent ?? 0);
      return {
        channel,
        provider: provider?.name ?? null,
        status: !provider ? 'not_configured' : provider.name === 'dev' ? 'dev' : 'active',
        queued: queued.get(channel) ?? 0,
        last24h: {
          sent,
          temporaryFailures: Number(s?.temporary ?? 0),
          permanentFailures: Number(s?.permanent ?? 0),
          errorRate: sent + failed ? Math.round((failed / (sent + failed)) * 1000) / 1000 : 0,
          lastError: s?.last_error ?? null,
          lastErrorAt: s?.last_error_at ?? null,
          lastAttemptAt: s?.last_attempt_at ?? null,
        },
      };
    });
  }
}
