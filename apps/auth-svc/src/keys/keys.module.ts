import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SigningKeyStore } from './signing-key.store.js';

@Module({
  imports: [AuditModule],
  providers: [SigningKeyStore],
  exports: [SigningKeyStore],
})
export class KeysModule {}
