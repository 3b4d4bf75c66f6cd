import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RATE_LIMIT_STORE, type RateLimitStore, LeasedRateLimiter } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { TenantRateLimitGuard } from './tenant-rate-limit.guard.js';
import { RATE_LIMITER } from './throttling.tokens.js';

/** Needs RateLimitModule (RATE_LIMIT_STORE) imported by the app. */
@Global()
@Module({
  providers: [
    {
      provide: RATE_LIMITER,
      inject: [RATE_LIMIT_STORE, NOTIFY_CONFIG],
      useFactory: (store: RateLimitStore, config: NotifyConfig) => new LeasedRateLimiter(store, config.RATE_LIMIT_LEASE_MAX),
    },
    TenantRateLimitGuard,
    // Global guards run in registration order: AppModule imports AuthKitModule before this module.
    { provide: APP_GUARD, useExisting: TenantRateLimitGuard },
  ],
  exports: [RATE_LIMITER],
})
export class ThrottlingModule {}
