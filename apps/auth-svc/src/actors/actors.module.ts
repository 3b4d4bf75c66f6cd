import { Global, Module } from '@nestjs/common';
import { ActingUserPolicy } from './acting-user.policy.js';

@Global()
@Module({ providers: [ActingUserPolicy], exports: [ActingUserPolicy] })
export class ActorsModule {}
