import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ApiKeyStore } from './api-key.store.js';
import { ApiKeyVerifier } from './api-key.verifier.js';
import { ApiKeysController } from './api-keys.controller.js';
import { CreateApiKeyUseCase } from './usecases/create-api-key/create-api-key.usecase.js';
import { ListApiKeysUseCase } from './usecases/list-api-keys/list-api-keys.usecase.js';
import { RevokeApiKeyUseCase } from './usecases/revoke-api-key/revoke-api-key.usecase.js';
import { RotateApiKeyUseCase } from './usecases/rotate-api-key/rotate-api-key.usecase.js';

@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeyStore, ApiKeyVerifier, CreateApiKeyUseCase, ListApiKeysUseCase, RevokeApiKeyUseCase, RotateApiKeyUseCase],
  exports: [ApiKeyVerifier, RevokeApiKeyUseCase],
})
export class ApiKeysModule {}
