import { Global, Module } from '@nestjs/common';
import { SecretBox } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { SECRET_CIPHER } from './secret-cipher.js';
import { UnitOfWork } from './unit-of-work.js';

@Global()
@Module({
  providers: [
    UnitOfWork,
    { provide: SECRET_CIPHER, inject: [NOTIFY_CONFIG], useFactory: (c: NotifyConfig) => new SecretBox(c.CREDENTIALS_ENCRYPTION_KEY) },
  ],
  exports: [UnitOfWork, SECRET_CIPHER],
})
export class TenancyModule {}
