import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ThrottlingModule } from '../throttling/throttling.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { GoogleController } from './google.controller.js';
import { GoogleIdentityStore } from './google-identity.store.js';
import { GoogleOAuthClient } from './google-oauth.client.js';
import { GoogleStateStore } from './google-state.store.js';
import { GoogleStrategy } from './google.strategy.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { CompleteGoogleSignInUseCase } from './usecases/complete-google-sign-in/complete-google-sign-in.usecase.js';
import { StartGoogleSignInUseCase } from './usecases/start-google-sign-in/start-google-sign-in.usecase.js';

/**
 * Google sign-in (passport-google-oauth20). Unconfigured, its routes answer 503 and nothing else
 * changes. Both routes count against RATE_LIMIT_LOGIN per IP: each start writes a state row.
 */
@Module({
  imports: [UsersModule, TokensModule, AuditModule, ThrottlingModule],
  controllers: [GoogleController],
  providers: [
    GoogleIdentityStore,
    GoogleStateStore,
    {
      provide: GoogleStrategy,
      inject: [AUTH_CONFIG, GoogleStateStore],
      useFactory: (config: AuthConfig, store: GoogleStateStore) =>
        config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET ? new GoogleStrategy(config, store) : null,
    },
    GoogleOAuthClient,
    StartGoogleSignInUseCase,
    CompleteGoogleSignInUseCase,
  ],
})
export class GoogleModule {}
