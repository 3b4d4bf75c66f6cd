import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TokenRules } from '#auth-kit';
import { AuditModule } from '../audit/audit.module.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { KeysModule } from '../keys/keys.module.js';
import { SessionStore } from '../sessions/session.store.js';
import { TokenService } from './token.service.js';

/** Token issuing and verification plus the session store: what any sign-in feature needs. */
@Module({
  // Keys are given per call (the key store's KeyObjects rotate), so the module itself holds none.
  imports: [JwtModule.register({}), KeysModule, AuditModule],
  providers: [
    TokenService,
    SessionStore,
    {
      provide: TokenRules,
      inject: [AUTH_CONFIG],
      useFactory: (c: AuthConfig) => new TokenRules({ issuer: c.AUTH_ISSUER, audience: c.AUTH_AUDIENCE }),
    },
  ],
  exports: [TokenService, SessionStore, TokenRules, KeysModule],
})
export class TokensModule {}
