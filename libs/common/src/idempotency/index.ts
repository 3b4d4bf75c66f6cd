export * from './idempotency.store.js';
export * from './idempotency.interceptor.js';
export * from './idempotency.module.js';
