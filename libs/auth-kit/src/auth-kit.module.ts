import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from './auth-kit.options.js';
import { CredentialAuthGuard } from './guards/credential-auth.guard.js';
import { InternalApiKeyGuard } from './guards/internal-api-key.guard.js';
import { ApiKeyAuthGuard, JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { StreamRevocations } from './revocation/stream-revocations.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { KIT_STRATEGY_NAMES, nextStrategyNames } from './strategies/strategy-names.js';

export interface AuthKitAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<string | symbol | Function>;
  useFactory: (...deps: any[]) => AuthKitOptions | Promise<AuthKitOptions>;
}

/** Registers CredentialAuthGuard then RolesGuard as global guards: every route is protected unless @Public. */
@Module({})
export class AuthKitModule {
  static forRootAsync(o: AuthKitAsyncOptions): DynamicModule {
    return {
      module: AuthKitModule,
      global: true,
      imports: o.imports ?? [],
      providers: [
        { provide: AUTH_KIT_OPTIONS, inject: o.inject ?? [], useFactory: o.useFactory },
        { provide: KIT_STRATEGY_NAMES, useValue: nextStrategyNames() },
        JwtStrategy,
        ApiKeyStrategy,
        InternalApiKeyGuard,
        JwtAuthGuard,
        ApiKeyAuthGuard,
        CredentialAuthGuard,
        RolesGuard,
        // Open streams, ended when the revocation list learns their principal is revoked, or their key or personal token is no longer active.
        {
          provide: StreamRevocations,
          inject: [AUTH_KIT_OPTIONS],
          useFactory: (opts: AuthKitOptions) =>
            new StreamRevocations(opts.revocations, { introspector: opts.introspector, recheckSeconds: opts.streamRecheckSeconds }),
        },
        { provide: APP_GUARD, useExisting: CredentialAuthGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
      ],
      exports: [AUTH_KIT_OPTIONS, InternalApiKeyGuard, JwtAuthGuard, ApiKeyAuthGuard, CredentialAuthGuard, RolesGuard, StreamRevocations],
    };
  }
}
