import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { PersonalTokensModule } from '../personal-tokens/personal-tokens.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { CredentialUsageRecorder } from './credential-usage.recorder.js';
import { IntrospectionController } from './introspection.controller.js';
import { JwtCredentialChecker } from './jwt-credential.checker.js';
import { LocalCredentialIntrospector } from './local-credential.introspector.js';
import { IntrospectTokenUseCase } from './usecases/introspect-token/introspect-token.usecase.js';
import { RevokeTokenUseCase } from './usecases/revoke-token/revoke-token.usecase.js';

/**
 * Introspection (RFC 7662), revocation (RFC 7009), and the local CredentialIntrospector that lets
 * auth-svc's own routes accept `Bearer pat_...` and `X-API-Key: nk_...` (AuthKitModule imports this).
 */
@Module({
  imports: [ApiKeysModule, PersonalTokensModule, TokensModule, AuditModule],
  controllers: [IntrospectionController],
  providers: [CredentialUsageRecorder, LocalCredentialIntrospector, JwtCredentialChecker, IntrospectTokenUseCase, RevokeTokenUseCase],
  exports: [LocalCredentialIntrospector, CredentialUsageRecorder],
})
export class IntrospectionModule {}
