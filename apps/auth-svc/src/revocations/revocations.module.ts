import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { LocalRevocationList } from './local-revocation.list.js';
import { RevocationsController } from './revocations.controller.js';
import { ListRevocationsUseCase } from './usecases/list-revocations/list-revocations.usecase.js';

/** The revocation feed other services poll, and auth-svc's own view of it (AuthKitModule imports this). */
@Module({
  imports: [TokensModule, UsersModule],
  controllers: [RevocationsController],
  providers: [ListRevocationsUseCase, LocalRevocationList],
  exports: [LocalRevocationList],
})
export class RevocationsModule {}
