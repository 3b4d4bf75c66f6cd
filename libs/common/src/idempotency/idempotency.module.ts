import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

export interface IdempotencyModuleOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlSeconds?: number;
}

@Module({})
export class IdempotencyModule {
  /** Provides Idempotency-Key handling for the POST routes marked @Idempotent() (needs the TypeORM DataSource). */
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
      ],
      exports: [IdempotencyStore, IdempotencyInterceptor],
    };
  }
}
