import { v } from './config-schema.js';

/** Variables every service reads. Each service spreads these into its own spec. */
export const commonConfigSpec = {
  NODE_ENV: v.enum('Runtime environment; production forbids dev defaults', ['development', 'production', 'test'] as const, {
    default: 'development',
  }),
  HOST: v.string(
    'Interface to listen on: loopback by default, so a dev stack is not on the network; 0.0.0.0 (set in the Docker image and compose) serves every interface',
    { default: '127.0.0.1' },
  ),
  LOG_LEVEL: v.enum('pino log level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
    default: 'info',
  }),
  LOG_FORMAT: v.enum(
    'Log output: auto (short readable lines when stdout is a terminal outside production, JSON otherwise), json or pretty',
    ['auto', 'json', 'pretty'] as const,
    { default: 'auto' },
  ),
  BODY_LIMIT_BYTES: v.int('Largest accepted request body in bytes (413 above)', { default: '1048576', min: 1024, max: 52428800 }),
  TRUST_PROXY: v.string(
    'Which proxies may set X-Forwarded-For (the client IP used for rate limits): true, false, or a list of addresses/CIDRs/names such as loopback,uniquelocal',
    { default: 'loopback,uniquelocal' },
  ),
  CORS_ORIGINS: v.origins(
    'Browser origins allowed to call the API (CORS), exact and comma-separated, e.g. https://app.example.com; * allows any origin but never with credentials; empty: no cross-origin access',
  ),
  DB_POOL_SIZE: v.int(
    'PostgreSQL connections per instance for its requests and jobs (without REDIS_URL, rate-limit counters keep up to 3 more of their own)',
    {
      default: '10',
      min: 1,
      max: 200,
    },
  ),
  MIGRATIONS_RUN: v.bool('Apply pending migrations at start (under an advisory lock, safe with many instances)', {
    default: 'true',
  }),
  INTERNAL_API_KEYS: v.list('Comma-separated internal API keys (header x-internal-api-key); several allow rotation', {
    secret: true,
  }),
  REDIS_URL: v.optUrl('Redis for shared rate limits and fan-out; PostgreSQL is used when unset', {
    protocols: ['redis', 'rediss'],
  }),
};

/** The token contract: auth-svc issues with these values and every resource service expects them. */
export const tokenContractConfigSpec = {
  AUTH_ISSUER: v.string('`iss` of access tokens: auth-svc issues with it (and names it in OpenID discovery), resource services expect it', {
    default: 'http://localhost:3000',
  }),
  AUTH_AUDIENCE: v.string('`aud` of access tokens: auth-svc issues with it, resource services accept only this audience', {
    default: 'identity-notify-platform',
  }),
};
