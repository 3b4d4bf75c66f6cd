import { Global, Module } from '@nestjs/common';
import { RevocationEvents } from './revocation-events.js';

/** RevocationEvents for every writer of sessions and users (global: the session store lives in TokensModule). */
@Global()
@Module({ providers: [RevocationEvents], exports: [RevocationEvents] })
export class RevocationEventsModule {}
