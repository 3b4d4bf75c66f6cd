export * from './rate-limit.store.js';
export * from './postgres-rate-limit.store.js';
export * from './redis-rate-limit.store.js';
export * from './rate-limit.module.js';
export * from './leased-rate-limiter.js';
