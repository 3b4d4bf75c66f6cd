import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ThrottlingModule } from '../throttling/throttling.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { GoogleController } from './google.controller.js';
import { GoogleOAuthClient } from './google-oauth.client.js';
import { GoogleStateStore } from './google-state.store.js';
import { CompleteGoogleSignInUseCase } from './usecases/complete-google-sign-in/complete-google-sign-in.usecase.js';
import { StartGoogleSignInUseCase } from './usecases/start-google-sign-in/start-google-sign-in.usecase.js';

/**
 * Google sign-in (passport-google-oauth20). Unconfigured, its routes answer 503 and nothing else
 * changes. Both routes count against RATE_LIMIT_LOGIN per IP: each start writes a state row.
 */
@Module({
  imports: [UsersModule, TokensModule, AuditModule, ThrottlingModule],
  controllers: [GoogleController],
  providers: [GoogleStateStore, GoogleOAuthClient, StartGoogleSignInUseCase, CompleteGoogleSignInUseCase],
})
export class GoogleModule {}
