import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../../channels/provider-registry.js';
import { CHANNEL_REGISTRY, CHANNELS } from '../../channels/channel-registry.js';
import { UnitOfWork } from '../../database/unit-of-work.js';

interface AttemptStats {
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

/**
 * Per channel: the providers in failover order, each with its circuit breaker's state on the
 * instance that answers (`closed`, `open`, `half_open`: each instance decides alone) and what its
 * attempts for this tenant show over the last 24 hours (counts by outcome, error rate, last error),
 * with the tenant's backlog. The channel's `provider`, `status` and `last24h` describe the one
 * taking the sends now (the first whose breaker is not open).
 * Attempts that found every breaker open (CIRCUIT_OPEN) reached no provider: they are counted
 * apart, never as the provider's failures.
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
                  count(*) FILTER (WHERE outcome = 'temporary' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN') AS temporary,
                  count(*) FILTER (WHERE outcome = 'permanent') AS permanent,
                  count(*) FILTER (WHERE error_code = 'CIRCUIT_OPEN') AS circuit_open,
                  (array_agg(error ORDER BY created_at DESC) FILTER (WHERE outcome <> 'sent' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN'))[1] AS last_error,
                  max(created_at) FILTER (WHERE outcome <> 'sent' AND error_code IS DISTINCT FROM 'CIRCUIT_OPEN') AS last_error_at,
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
    const last24h = (channel: string, name: string | undefined) => {
      const s = stats.find((r) => r.channel === channel && r.provider === name);
      const sent = Number(s?.sent ?? 0);
      const failed = Number(s?.temporary ?? 0) + Number(s?.permanent ?? 0);
      return {
        sent,
        temporaryFailures: Number(s?.temporary ?? 0),
        permanentFailures: Number(s?.permanent ?? 0),
        circuitOpen: Number(s?.circuit_open ?? 0),
        errorRate: sent + failed ? Math.round((failed / (sent + failed)) * 1000) / 1000 : 0,
        lastError: s?.last_error ?? null,
        lastErrorAt: s?.last_error_at ?? null,
        lastAttemptAt: s?.last_attempt_at ?? null,
      };
    };
    return CHANNELS.map((channel) => {
      if (CHANNEL_REGISTRY[channel].sends === 'inbox') {
        const stats = last24h(channel, 'inbox');
        return {
          channel,
          provider: 'inbox',
          status: 'active',
          queued: queued.get(channel) ?? 0,
          last24h: stats,
          providers: [{ name: 'inbox', order: 1, state: 'closed', probeAt: null, last24h: stats }],
        };
      }
      const list = this.providers.list(channel);
      const current = list.find((c) => c.state !== 'open');
      const shown = current ?? list[0];
      return {
        channel,
        provider: shown?.name ?? null,
        status: !shown ? 'not_configured' : !current ? 'circuit_open' : current.name === 'dev' ? 'dev' : 'active',
        queued: queued.get(channel) ?? 0,
        last24h: last24h(channel, shown?.name),
        providers: list.map((c, i) => ({
          name: c.name,
          order: i + 1,
          state: c.state,
          probeAt: c.probeAt,
          last24h: last24h(channel, c.name),
        })),
      };
    });
  }
}
