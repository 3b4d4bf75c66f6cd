import { Global, Module } from '@nestjs/common';
import { UnitOfWork } from './unit-of-work.js';

/** The unit of work (one transaction, the tenant set for row-level security), for every module of the service. */
@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {}
