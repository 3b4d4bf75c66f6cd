import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppException, type Principal, type Rate, type LeasedRateLimiter } from '#common';
import { NOTIFY_CONFIG, rateForPlan, type NotifyConfig } from '../config/notify-config.js';
import { RATE_LIMITER } from './throttling.tokens.js';

const WEBHOOKS_PATH = '/notify/v1/webhooks/';

/**
 * Requests per tenant by plan tier once authenticated, per client IP on public routes (provider
 * webhooks with their own, larger, budget). The
 * internal key (jobs, metrics) and health probes are not limited. A global guard registered after
 * the auth kit's guards, so it sees the principal they established; a guard rather than an
 * interceptor because a global Nest interceptor costs ~40% of a cheap route's throughput.
 */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: LeasedRateLimiter,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: Principal | null }>();
    const p = req.principal;
    let key: string;
    let rate: Rate;
    if (p?.tenantId) {
      key = `rl:t:${p.tenantId}`;
      rate = rateForPlan(this.config, p.planTier);
    } else if (p?.kind === 'internal' || req.url.startsWith('/health')) {
      return true;
    } else if (req.url.startsWith(WEBHOOKS_PATH)) {
      // Signed provider receipts: a few provider addresses carry every tenant's receipts.
      key = `rl:hook:${req.ip}`;
      rate = this.config.RATE_LIMIT_WEBHOOKS_IP;
    } else {
      key = `rl:ip:${req.ip}`;
      rate = this.config.RATE_LIMIT_IP;
    }
    if (this.limiter.tryLocal(key)) return true;
    return this.limiter.consume(key, rate).then((r) => {
      if (!r.allowed) throw AppException.rateLimited(r.retryAfterSeconds);
      return true;
    });
  }
}
