import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { IDEMPOTENCY_TRANSACTION, IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IdempotencyStore } from './idempotency.store.js';

export interface IdempotencyModuleOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlSeconds?: number;
  /** Provides IDEMPOTENCY_TRANSACTION: the service's own transaction, which the handlers' writes join. */
  transaction: Omit<Provider, 'provide'> & { useClass?: unknown; useExisting?: unknown; useFactory?: unknown; inject?: unknown[] };
}

@Module({})
export class IdempotencyModule {
  /** Idempotency-Key handling for the POST routes marked @Idempotent(). */
  static forRoot(options: IdempotencyModuleOptions): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      providers: [
        { provide: IdempotencyStore, useValue: new IdempotencyStore(options.ttlSeconds ?? 86_400) },
        { provide: IDEMPOTENCY_TRANSACTION, ...options.transaction } as Provider,
        IdempotencyInterceptor,
      ],
      exports: [IdempotencyStore, IdempotencyInterceptor, IDEMPOTENCY_TRANSACTION],
    };
  }
}
