import { Global, Module } from '@nestjs/common';
import { SecretBox } from '#common';
import { NOTIFY_CONFIG, type NotifyConfig } from '../config/notify-config.js';
import { SECRET_CIPHER } from './secret-cipher.js';

/** The one secret cipher of the service (SECRET_CIPHER), for every module. */
@Global()
@Module({
  providers: [
    { provide: SECRET_CIPHER, inject: [NOTIFY_CONFIG], useFactory: (c: NotifyConfig) => new SecretBox(c.CREDENTIALS_ENCRYPTION_KEY) },
  ],
  exports: [SECRET_CIPHER],
})
export class SecretCipherModule {}
