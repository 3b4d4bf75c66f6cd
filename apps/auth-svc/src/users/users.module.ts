import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { PasswordHasher } from './password-hasher.js';
import { CreateUserUseCase } from './usecases/create-user/create-user.usecase.js';
import { ListUsersUseCase } from './usecases/list-users/list-users.usecase.js';
import { UpdateUserUseCase } from './usecases/update-user/update-user.usecase.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** Users, tenants and password hashing; exported for sign-up, login, Google sign-in and API keys. */
@Module({
  imports: [AuditModule, TokensModule],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, CreateUserUseCase, ListUsersUseCase, UpdateUserUseCase],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
