import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { PersonalTokenStore } from './personal-token.store.js';
import { PersonalTokenVerifier } from './personal-token.verifier.js';
import { PersonalTokensController } from './personal-tokens.controller.js';
import { CreatePersonalTokenUseCase } from './usecases/create-personal-token/create-personal-token.usecase.js';
import { ListPersonalTokensUseCase } from './usecases/list-personal-tokens/list-personal-tokens.usecase.js';
import { RevokePersonalTokenUseCase } from './usecases/revoke-personal-token/revoke-personal-token.usecase.js';
import { RotatePersonalTokenUseCase } from './usecases/rotate-personal-token/rotate-personal-token.usecase.js';

@Module({
  imports: [AuditModule],
  controllers: [PersonalTokensController],
  providers: [
    PersonalTokenStore,
    PersonalTokenVerifier,
    CreatePersonalTokenUseCase,
    ListPersonalTokensUseCase,
    RevokePersonalTokenUseCase,
    RotatePersonalTokenUseCase,
  ],
  exports: [PersonalTokenVerifier, RevokePersonalTokenUseCase],
})
export class PersonalTokensModule {}
