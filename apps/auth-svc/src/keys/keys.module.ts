import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { KeyRotationScheduler } from './key-rotation.scheduler.js';
import { KeysController } from './keys.controller.js';
import { SigningKeyStore } from './signing-key.store.js';

@Module({
  imports: [AuditModule],
  controllers: [KeysController],
  providers: [SigningKeyStore, KeyRotationScheduler],
  exports: [SigningKeyStore],
})
export class KeysModule {}
