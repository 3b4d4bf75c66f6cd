import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

export interface IdempotencyModuleOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlSeconds?: number;
}

@Module({})
export class IdempotencyModule {
  /** Applies Idempotency-Key handling to every POST route of the service (needs the TypeORM DataSource). */
  static forRoot(options: IdempotencyModuleOptions = {}): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      providers: [
        {
          provide: IdempotencyStore,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new IdempotencyStore(ds, options.ttlSeconds ?? 86_400),
        },
        IdempotencyInterceptor,
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
      exports: [IdempotencyStore],
    };
  }
}
