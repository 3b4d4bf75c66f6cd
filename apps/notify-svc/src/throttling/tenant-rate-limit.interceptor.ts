import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { AppException, type Principal, type Rate } from '#common';
import { NOTIFY_CONFIG, rateForPlan, type NotifyConfig } from '../config/notify-config.js';
import { RATE_LIMITER } from './throttling.tokens.js';
import type { LeasedRateLimiter } from './leased-rate-limiter.js';

/**
 * Requests per tenant by plan tier once authenticated, per client IP on public routes. The
 * internal key (jobs, metrics) and health probes are not limited. Runs as an interceptor so it
 * always sees the principal the guards established.
 */
@Injectable()
export class TenantRateLimitInterceptor implements NestInterceptor {
  constructor(
    @Inject(RATE_LIMITER) private readonly limiter: LeasedRateLimiter,
    @Inject(NOTIFY_CONFIG) private readonly config: NotifyConfig,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: Principal | null }>();
    const p = req.principal;
    let key: string;
    let rate: Rate;
    if (p?.tenantId) {
      key = `rl:t:${p.tenantId}`;
      rate = rateForPlan(this.config, p.planTier);
    } else if (p?.kind === 'internal' || req.url.startsWith('/health')) {
      return next.handle();
    } else {
      key = `rl:ip:${req.ip}`;
      rate = this.config.RATE_LIMIT_IP;
    }
    if (this.limiter.tryLocal(key)) return next.handle();
    return from(this.limiter.consume(key, rate)).pipe(
      mergeMap((r) => {
        if (!r.allowed) throw AppException.rateLimited(r.retryAfterSeconds);
        return next.handle();
      }),
    );
  }
}
