export * from './roles.js';
export * from './token-claims.js';
export * from './public.decorator.js';
