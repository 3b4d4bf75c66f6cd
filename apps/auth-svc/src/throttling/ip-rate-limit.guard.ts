import { Inject, Injectable, SetMetadata, UseGuards, applyDecorators, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AppException, LeasedRateLimiter, RATE_LIMIT_STORE, type Rate, type RateLimitStore } from '#common';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';

export type IpRateLimitBucket = 'signup' | 'login' | 'refresh';
const IP_RATE_LIMIT = 'auth:ip-rate-limit';

/** Limits a public route per client IP with RATE_LIMIT_<BUCKET>; 429 RATE_LIMITED with Retry-After above it. */
export const IpRateLimit = (bucket: IpRateLimitBucket) =>
  applyDecorators(
    SetMetadata(IP_RATE_LIMIT, bucket),
    UseGuards(IpRateLimitGuard),
    ApiTooManyRequestsResponse({ description: `Too many requests from this IP (RATE_LIMIT_${bucket.toUpperCase()})` }),
  );

/**
 * Counts through a LeasedRateLimiter in front of the shared store: a busy address reserves small
 * blocks of its budget (exact near the limit), so a refresh costs no extra statement most of the
 * time — the refresh path is otherwise two statements (this counter, then the rotation).
 */
@Injectable()
export class IpRateLimitGuard implements CanActivate {
  private readonly rates: Record<IpRateLimitBucket, Rate>;
  private readonly limiter: LeasedRateLimiter;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) store: RateLimitStore,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.rates = { signup: config.RATE_LIMIT_SIGNUP, login: config.RATE_LIMIT_LOGIN, refresh: config.RATE_LIMIT_REFRESH };
    this.limiter = new LeasedRateLimiter(store, MAX_LEASE);
  }

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const bucket = this.reflector.get<IpRateLimitBucket | undefined>(IP_RATE_LIMIT, ctx.getHandler());
    if (!bucket) return true;
    const key = `${bucket}:ip:${ctx.switchToHttp().getRequest<{ ip: string }>().ip}`;
    if (this.limiter.tryLocal(key)) return true;
    return this.limiter.consume(key, this.rates[bucket]).then((result) => {
      if (!result.allowed) throw AppException.rateLimited(result.retryAfterSeconds, 'Too many requests from this address; retry later');
      return true;
    });
  }
}

/** Largest block of an address's budget one instance reserves at once. */
const MAX_LEASE = 50;
