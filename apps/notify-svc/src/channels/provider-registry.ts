import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BrokenCircuitError, CircuitState, SamplingBreaker, circuitBreaker, handleWhenResult, type CircuitBreakerPolicy } from 'cockatiel';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { NotifyMetrics } from '../metrics/notify-metrics.js';
import type { ChannelProvider, OutboundMessage, SendOutcome } from './channel-provider.js';
import { CHANNEL_REGISTRY, type Channel } from './channel-registry.js';

/** Every ChannelProvider the service sends with (multi-provider token, filled by ChannelsModule). */
export const CHANNEL_PROVIDERS = Symbol('CHANNEL_PROVIDERS');

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  failures: number; // sends in the window before the breaker may open
  errorRate: number; // 0..1 exclusive: share of temporary failures above which it opens
  windowMs: number;
  halfOpenAfterMs: number;
  probeClaimMs: number; // how long a claimed probe keeps others away if its send never starts
}

/**
 * One provider of a channel's failover list behind its cockatiel circuit breaker. Only temporary
 * outcomes are failures (a permanent refusal of one message is an answer from a working peer);
 * the breaker is a SamplingBreaker, so it opens when, within the window, at least `failures`
 * sends went to the provider and more than `errorRate` of them failed temporarily. After
 * `halfOpenAfter` one probe send goes through: sent closes it, a temporary failure opens it again.
 *
 * The state lives in this process: each instance decides alone. It is a cheap local signal (every
 * instance talks to the same peer, so they all see the outage within N sends of each other), and
 * sharing it through PostgreSQL would add a write to every send to save a handful of failed ones.
 */
export class ProviderCircuit {
  readonly breaker?: CircuitBreakerPolicy;
  private openedAt = 0;
  private probeClaimedUntil = 0;

  constructor(
    readonly provider: ChannelProvider,
    private readonly s: BreakerSettings,
    metrics?: NotifyMetrics,
  ) {
    // Off where a failure is not a provider's (CHANNEL_REGISTRY's `breaker`: webhooks).
    if (!CHANNEL_REGISTRY[provider.channel].breaker) return;
    const labels = { channel: provider.channel, provider: provider.name };
    this.breaker = circuitBreaker(
      handleWhenResult((o) => (o as SendOutcome).kind === 'temporary'),
      {
        halfOpenAfter: s.halfOpenAfterMs,
        // minimumRps is how the SamplingBreaker counts "enough sends": it opens only once
        // window × minimumRps calls are in the window. (N - 0.5) keeps float rounding from asking for N + 1.
        breaker: new SamplingBreaker({
          threshold: s.errorRate,
          duration: s.windowMs,
          minimumRps: (s.failures - 0.5) / (s.windowMs / 1000),
        }),
      },
    );
    const log = new Logger('provider-breaker');
    const who = `${provider.channel} provider ${provider.name}`;
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      metrics?.breakerOpened.inc(labels);
      log.warn(`${who}: circuit open, its sends go to the next provider; a probe in ${s.halfOpenAfterMs / 1000} s`);
    });
    this.breaker.onHalfOpen(() => log.log(`${who}: half-open, sending a probe`));
    this.breaker.onReset(() => log.log(`${who}: circuit closed, it takes the sends again`));
    metrics?.breakerState.set(labels, 0);
    this.breaker.onStateChange((state) =>
      metrics?.breakerState.set(labels, state === CircuitState.Closed ? 0 : state === CircuitState.HalfOpen ? 2 : 1),
    );
  }

  get name(): string {
    return this.provider.name;
  }

  get state(): BreakerState {
    switch (this.breaker?.state) {
      case undefined:
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half_open';
      default:
        return 'open';
    }
  }

  /** When the open breaker lets a probe through (null unless open). */
  get probeAt(): Date | null {
    return this.state === 'open' ? new Date(this.openedAt + this.s.halfOpenAfterMs) : null;
  }

  /**
   * Whether a send may go to this provider now. When the break is over, the first caller claims the
   * single half-open probe; the others pass over it (to the next provider) until the probe answers,
   * rather than waiting on it inside the breaker.
   */
  claim(now = Date.now()): boolean {
    if (!this.breaker) return true;
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return true;
      case CircuitState.Open:
        if (now - this.openedAt < this.s.halfOpenAfterMs || now < this.probeClaimedUntil) return false;
        this.probeClaimedUntil = now + this.s.probeClaimMs;
        return true;
      default:
        return false; // half-open: the probe is in flight
    }
  }

  /** Sends through the breaker; a breaker that opened since the claim answers CIRCUIT_OPEN (nothing sent). */
  async send(msg: OutboundMessage, target: unknown): Promise<SendOutcome> {
    if (!this.breaker) return callProvider(this.provider, msg, target);
    const probe = this.breaker.state === CircuitState.Open; // this call is the claimed probe
    try {
      return await this.breaker.execute(() => callProvider(this.provider, msg, target));
    } catch (err) {
      if (err instanceof BrokenCircuitError) return circuitOpen(msg.channel, [this]);
      throw err;
    } finally {
      if (probe) this.probeClaimedUntil = 0;
    }
  }
}

/** Who takes a send: a provider (a claim on it), or nobody yet because every breaker is open. */
export type ProviderPick =
  { kind: 'provider'; circuit: ProviderCircuit } | { kind: 'circuit_open'; circuit: ProviderCircuit; outcome: SendOutcome };

/**
 * Per channel, the providers in failover order (EMAIL_PROVIDERS, SMS_PROVIDERS, WHATSAPP_PROVIDERS,
 * PUSH_PROVIDERS; unset: the order of CHANNEL_PROVIDERS), each behind its circuit breaker. A new
 * adapter only has to be registered in CHANNEL_PROVIDERS to join its channel's list.
 */
@Injectable()
export class ProviderRegistry {
  private readonly byChannel = new Map<Channel, ProviderCircuit[]>();
  /** Every registered provider's circuit, the account-only ones (tenants' own accounts) too. */
  private readonly circuits: ProviderCircuit[] = [];

  constructor(
    @Inject(CHANNEL_PROVIDERS) providers: ChannelProvider[],
    @Inject(NOTIFY_CONFIG) config: NotifyConfig,
    @Optional() metrics?: NotifyMetrics,
  ) {
    const settings: BreakerSettings = {
      failures: config.PROVIDER_BREAKER_FAILURES,
      errorRate: config.PROVIDER_BREAKER_ERROR_RATE / 100,
      windowMs: config.PROVIDER_BREAKER_WINDOW * 1000,
      halfOpenAfterMs: config.PROVIDER_BREAKER_HALF_OPEN_AFTER * 1000,
      probeClaimMs: config.DELIVERY_SEND_LEASE * 1000,
    };
    const registered = new Map<Channel, ChannelProvider[]>();
    for (const p of providers) {
      const list = registered.get(p.channel) ?? [];
      if (list.some((q) => q.name === p.name)) throw new Error(`two ${p.channel} providers are named ${p.name}`);
      registered.set(p.channel, [...list, p]);
    }
    for (const [channel, registeredList] of registered) {
      const circuitOf = new Map(registeredList.map((p) => [p, new ProviderCircuit(p, settings, metrics)]));
      this.circuits.push(...circuitOf.values());
      const list = registeredList.filter((p) => !p.accountOnly);
      const variable = CHANNEL_REGISTRY[channel].providerOrder;
      const names = variable ? config[variable] : [];
      let ordered = list;
      if (variable && names.length) {
        ordered = names.map((name) => {
          const p = list.find((q) => q.name === name);
          if (!p) {
            throw new Error(
              `${variable}: names ${name}, which is not a configured ${channel} provider (configured: ${list.map((q) => q.name).join(', ')})`,
            );
          }
          return p;
        });
      }
      this.byChannel.set(
        channel,
        ordered.map((p) => circuitOf.get(p)!),
      );
    }
  }

  /** The channel's providers in failover order (empty when none is configured). */
  list(channel: Channel): readonly ProviderCircuit[] {
    return this.byChannel.get(channel) ?? [];
  }

  /** The provider families (ChannelProvider.provider) a tenant's own account can send this channel with, e.g. ['twilio', 'meta']. */
  accountProviders(channel: Channel): string[] {
    return [
      ...new Set(this.circuits.filter((c) => c.provider.channel === channel && c.provider.provider).map((c) => c.provider.provider!)),
    ];
  }

  /** The adapter that sends on this channel with accounts of this provider family, if registered. */
  forAccount(provider: string, channel: Channel): ChannelProvider | undefined {
    return this.circuits.find((c) => c.provider.provider === provider && c.provider.channel === channel)?.provider;
  }

  /** The channel's primary provider. */
  for(channel: Channel): ChannelProvider | undefined {
    return this.byChannel.get(channel)?.[0]?.provider;
  }

  /**
   * Who sends now: the first provider whose breaker lets it (claiming the probe of one that is due
   * for it). A delivery `pinnedTo` a provider (it may already have the message) goes there or, while
   * its breaker is open, nowhere: handing it to another provider could send it twice.
   * Undefined when the channel has no provider (or the pinned one is no longer configured: then
   * the first available, since the operator took the old one out).
   */
  pick(channel: Channel, pinnedTo?: string | null, ownAccount?: string): ProviderPick | undefined {
    // A tenant's own account goes first to its provider's adapter, then the platform's list. The
    // breaker is the adapter's: it tracks the provider's service, whichever account calls it.
    const own = ownAccount ? this.circuits.find((c) => c.provider.channel === channel && c.provider.provider === ownAccount) : undefined;
    const platform = this.byChannel.get(channel) ?? [];
    const list = own ? [own, ...platform.filter((c) => c !== own)] : platform;
    if (!list.length) return undefined;
    const now = Date.now();
    const pinned = pinnedTo ? list.find((c) => c.name === pinnedTo) : undefined;
    const candidates = pinned ? [pinned] : list;
    const circuit = candidates.find((c) => c.claim(now));
    if (circuit) return { kind: 'provider', circuit };
    return { kind: 'circuit_open', circuit: candidates[0]!, outcome: circuitOpen(channel, candidates) };
  }
}

/** Every breaker of the list is open: a temporary outcome, retried when the first probe is due. */
function circuitOpen(channel: Channel, circuits: readonly ProviderCircuit[]): SendOutcome {
  const due = circuits.map((c) => c.probeAt?.getTime() ?? Date.now()).reduce((a, b) => Math.min(a, b), Infinity);
  return {
    kind: 'temporary',
    code: 'CIRCUIT_OPEN',
    error: `the circuit breaker of every ${channel} provider is open (${circuits.map((c) => c.name).join(', ')}); nothing was sent`,
    retryAfterMs: Math.max(0, due - Date.now()),
    ambiguous: false,
  };
}

async function callProvider(provider: ChannelProvider, msg: OutboundMessage, target: unknown): Promise<SendOutcome> {
  try {
    return await provider.send(msg, target);
  } catch (err) {
    // A provider must classify its peer's failures; anything thrown is a bug or an outage: retry it.
    return { kind: 'temporary', code: 'PROVIDER_ERROR', error: err instanceof Error ? err.message : String(err) };
  }
}
