import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { Session } from '../sessions/session.entity.js';
import { SessionStore } from '../sessions/session.store.js';
import { TokenService } from './token.service.js';

/** Token issuing and verification plus the session store: what any sign-in feature needs. */
@Module({
  imports: [TypeOrmModule.forFeature([Session]), KeysModule, AuditModule],
  providers: [TokenService, SessionStore],
  exports: [TokenService, SessionStore, KeysModule],
})
export class TokensModule {}
