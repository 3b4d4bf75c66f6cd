import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ThrottlingModule } from '../throttling/throttling.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountsController } from './accounts.controller.js';
import { GetProfileUseCase } from './usecases/get-profile/get-profile.usecase.js';
import { ChangePasswordUseCase } from './usecases/change-password/change-password.usecase.js';
import { LogInUseCase } from './usecases/log-in/log-in.usecase.js';
import { SignUpUseCase } from './usecases/sign-up/sign-up.usecase.js';
import { UpdateProfileUseCase } from './usecases/update-profile/update-profile.usecase.js';

@Module({
  imports: [UsersModule, TokensModule, AuditModule, ThrottlingModule],
  controllers: [AccountsController],
  providers: [GetProfileUseCase, SignUpUseCase, LogInUseCase, UpdateProfileUseCase, ChangePasswordUseCase],
})
export class AccountsModule {}
