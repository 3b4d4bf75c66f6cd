import { Injectable } from '@nestjs/common';
import { ProviderRegistry } from '../../../channels/provider-registry.js';
import { CHANNEL_REGISTRY, CHANNELS } from '../../../channels/channel-registry.js';
import { ProviderStatsRepository } from '../../provider-stats.repository.js';

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
    private readonly attempts: ProviderStatsRepository,
    private readonly providers: ProviderRegistry,
  ) {}

  async execute(tenantId: string) {
    const { stats, queued } = await this.attempts.uow.tenant(
      tenantId,
      async (tx) => ({ stats: await this.attempts.attemptStats(tx), queued: await this.attempts.backlog(tx) }),
      { readOnly: true },
    );
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
