export * from './embedded-postgres.mjs';
export * from './database-admin.js';
export * from './typeorm-options.js';
export * from './database.module.js';
export * from './query-rows.js';
export * from './ambient-transaction.js';
export * from './iso-timestamps.js';
