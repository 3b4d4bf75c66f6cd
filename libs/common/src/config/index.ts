export * from './config-schema.js';
export * from './common-config.js';
