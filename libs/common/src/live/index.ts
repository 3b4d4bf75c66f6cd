export * from './live-bus.js';
export * from './postgres-live-bus.js';
export * from './redis-live-bus.js';
export * from './live.module.js';
export * from './sse.js';
export * from './query-token.js';
export * from './drain.js';
export * from './recent-seqs.js';
