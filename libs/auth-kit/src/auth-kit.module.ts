import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from './auth-kit.options.js';
import { InternalApiKeyGuard } from './guards/internal-api-key.guard.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { AccessTokenVerifier } from './jwt/access-token.verifier.js';

export interface AuthKitAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: Array<string | symbol | Function>;
  useFactory: (...deps: any[]) => AuthKitOptions | Promise<AuthKitOptions>;
}

/** Registers JwtAuthGuard then RolesGuard as global guards: every route is protected unless @Public. */
@Module({})
export class AuthKitModule {
  static forRootAsync(o: AuthKitAsyncOptions): DynamicModule {
    return {
      module: AuthKitModule,
      global: true,
      imports: o.imports ?? [],
      providers: [
        { provide: AUTH_KIT_OPTIONS, inject: o.inject ?? [], useFactory: o.useFactory },
        { provide: AccessTokenVerifier, inject: [AUTH_KIT_OPTIONS], useFactory: (opts: AuthKitOptions) => new AccessTokenVerifier(opts) },
        InternalApiKeyGuard,
        JwtAuthGuard,
        RolesGuard,
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
      ],
      exports: [AUTH_KIT_OPTIONS, AccessTokenVerifier, InternalApiKeyGuard, JwtAuthGuard, RolesGuard],
    };
  }
}
