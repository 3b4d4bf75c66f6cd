import { Inject, Injectable, SetMetadata, UseGuards, applyDecorators, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AppException, RATE_LIMIT_STORE, type Rate, type RateLimitStore } from '#common';
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

@Injectable()
export class IpRateLimitGuard implements CanActivate {
  private readonly rates: Record<IpRateLimitBucket, Rate>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.rates = { signup: config.RATE_LIMIT_SIGNUP, login: config.RATE_LIMIT_LOGIN, refresh: config.RATE_LIMIT_REFRESH };
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const bucket = this.reflector.get<IpRateLimitBucket | undefined>(IP_RATE_LIMIT, ctx.getHandler());
    if (!bucket) return true;
    const req = ctx.switchToHttp().getRequest<{ ip: string }>();
    const result = await this.store.hit(`${bucket}:ip:${req.ip}`, this.rates[bucket]);
    if (!result.allowed) throw AppException.rateLimited(result.retryAfterSeconds, 'Too many requests from this address; retry later');
    return true;
  }
}
