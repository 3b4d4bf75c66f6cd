import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { shareMetrics } from '#common';

/** Prometheus metrics of this instance. Its own registry, so several apps in one process never clash. */
@Injectable()
export class NotifyMetrics {
  readonly registry = new Registry();
  readonly deliveriesAccepted = new Counter({
    name: 'notify_deliveries_accepted_total',
    help: 'Deliveries accepted by POST /deliveries and /deliveries/batch, by channel and initial status',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });
  readonly deliveriesCancelled = new Counter({
    name: 'notify_deliveries_cancelled_total',
    help: 'Deliveries cancelled before sending',
    registers: [this.registry],
  });
  readonly jobsRun = new Counter({
    name: 'notify_jobs_total',
    help: 'Maintenance jobs run, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly providerAttempts = new Counter({
    name: 'notify_provider_attempts_total',
    help: 'Provider attempts by channel, provider and outcome (sent, temporary, permanent)',
    labelNames: ['channel', 'provider', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly breakerState = new Gauge({
    name: 'notify_provider_breaker_state',
    help: 'Circuit breaker of each provider on this instance (the highest over its processes): 0 closed, 1 open, 2 half-open (probing)',
    labelNames: ['channel', 'provider'] as const,
    registers: [this.registry],
    aggregator: 'max',
  });
  readonly breakerOpened = new Counter({
    name: 'notify_provider_breaker_opened_total',
    help: 'Times the circuit breaker of a provider opened on this instance (its sends went to the next provider)',
    labelNames: ['channel', 'provider'] as const,
    registers: [this.registry],
  });
  readonly deliveriesFinal = new Counter({
    name: 'notify_deliveries_withheld_total',
    help: 'Deliveries the worker withheld just before sending (suppressed, skipped), by channel',
    labelNames: ['channel', 'status'] as const,
    registers: [this.registry],
  });

  readonly receipts = new Counter({
    name: 'notify_receipts_total',
    help: 'Provider webhooks at /notify/v1/webhooks/:provider, by provider and outcome: bad_signature (refused, 401), accepted (changed a delivery or a suppression), duplicate (already applied), ignored (a status that changes nothing, e.g. queued), unknown_message',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.registry.setDefaultLabels({ service: 'notify-svc' });
    shareMetrics(this.registry);
    collectDefaultMetrics({ register: this.registry });
  }
}
