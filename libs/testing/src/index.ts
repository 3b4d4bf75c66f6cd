export * from './test-database.js';
export * from './http-client.js';
export * from './test-app.js';
export * from './token-kit.js';
export * from './sse-client.js';
export * from './node-process.js';
export * from './eventually.js';
