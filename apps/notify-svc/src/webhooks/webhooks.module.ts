import { Module } from '@nestjs/common';
import { SECRET_CIPHER, type SecretCipher } from './secret-cipher.js';
import { WebhookTargets } from './webhook-targets.js';

@Module({
  providers: [
    WebhookTargets,
    {
      provide: SECRET_CIPHER,
      useFactory: (): SecretCipher => ({
        encrypt: () => {
          throw new Error('webhook secrets: no cipher configured');
        },
        decrypt: () => {
          throw new Error('webhook secrets: no cipher configured');
        },
      }),
    },
  ],
  exports: [WebhookTargets],
})
export class WebhooksModule {}
