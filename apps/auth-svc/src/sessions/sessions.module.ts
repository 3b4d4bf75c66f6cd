import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ThrottlingModule } from '../throttling/throttling.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { SessionSweeper } from './session-sweeper.js';
import { SessionsController } from './sessions.controller.js';
import { EndSessionUseCase } from './usecases/end-session/end-session.usecase.js';
import { ListSessionsUseCase } from './usecases/list-sessions/list-sessions.usecase.js';
import { LogOutUseCase } from './usecases/log-out/log-out.usecase.js';

/** The HTTP side of sessions: refresh, logout, list, end. Storage and rotation live in TokensModule. */
@Module({
  imports: [TokensModule, AuditModule, ThrottlingModule],
  controllers: [SessionsController],
  providers: [ListSessionsUseCase, LogOutUseCase, EndSessionUseCase, SessionSweeper],
})
export class SessionsModule {}
