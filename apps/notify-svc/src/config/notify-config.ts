import { commonConfigSpec, tokenContractConfigSpec, ConfigError, loadConfig, v, type ConfigOf, type PlanTier, type Rate } from '#common';

export const notifyConfigSpec = {
  ...commonConfigSpec,
  NOTIFY_PORT: v.port('notify-svc HTTP port', { default: '3002' }),
  NOTIFY_DATABASE_URL: v.url('PostgreSQL URL of the notify database', { protocols: ['postgres', 'postgresql'] }),

  AUTH_JWKS_URL: v.url("auth-svc's JWKS: the public keys access tokens are verified with (cached; re-fetched on an unknown kid)", {
    default: 'http://localhost:3001/.well-known/jwks.json',
  }),
  ...tokenContractConfigSpec,
  AUTH_INTROSPECTION_URL: v.url("auth-svc's RFC 7662 introspection endpoint, used to check API keys and personal access tokens", {
    default: 'http://localhost:3001/auth/v1/introspect',
  }),
  AUTH_REVOCATIONS_URL: v.url(
    "auth-svc's revocation feed (ended sessions, deactivated users), polled so such access tokens are refused before their exp",
    { default: 'http://localhost:3001/auth/v1/revocations' },
  ),
  AUTH_REVOCATION_POLL: v.duration('How often the revocation feed is polled (a revoked access token stops working within about this)', {
    default: '5s',
    min: 0,
    max: 30,
  }),
  AUTH_INTROSPECTION_KEY: v.optString(
    'Internal API key notify-svc presents to the introspection endpoint and the revocation feed; defaults to the first INTERNAL_API_KEYS entry',
    { secret: true },
  ),
  AUTH_JWKS_REFRESH: v.duration('How often known JWKS keys are re-fetched in the background', { default: '5m', min: 1, max: 86400 }),
  AUTH_JWKS_MIN_REFETCH: v.duration('An unknown `kid` triggers at most one JWKS fetch per this interval (protects auth-svc)', {
    default: '30s',
    min: 1,
    max: 3600,
  }),
  INTROSPECTION_CACHE_TTL: v.duration(
    'How long an active API key / personal token answer is cached (a revocation takes effect within this)',
    {
      default: '30s',
      min: 0,
      max: 300,
    },
  ),
  INTROSPECTION_NEGATIVE_CACHE_TTL: v.duration('How long an inactive (unknown or revoked) credential answer is cached', {
    default: '5s',
    min: 0,
    max: 300,
  }),
  TOKEN_CACHE_SIZE: v.int(
    'Verified access tokens kept in memory (by hash, until their exp) so a repeated token costs no RSA verify; 0 disables',
    {
      default: '10000',
      min: 0,
      max: 1000000,
    },
  ),

  RATE_LIMIT_FREE: v.rate('Requests per tenant on the free plan, `<count>/<window>` (429 RATE_LIMITED above it)', { default: '600/1m' }),
  RATE_LIMIT_PROFESSIONAL: v.rate('Requests per tenant on the professional plan, `<count>/<window>`', { default: '6000/1m' }),
  RATE_LIMIT_ENTERPRISE: v.rate('Requests per tenant on the enterprise plan, `<count>/<window>`', { default: '60000/1m' }),
  RATE_LIMIT_IP: v.rate('Requests per client IP on unauthenticated routes, `<count>/<window>`', { default: '300/1m' }),
  RATE_LIMIT_LEASE_MAX: v.int(
    'Largest block of a tenant budget one instance reserves from the shared counter at once (1 = one shared-store hit per request; larger = fewer round trips, slightly coarser limits)',
    { default: '100', min: 1, max: 100000 },
  ),
  QUOTA_DAILY_FREE: v.int(
    'Deliveries per tenant per UTC day on the free plan (429 QUOTA_EXCEEDED above it; admins may override per tenant)',
    {
      default: '1000',
      min: 0,
    },
  ),
  QUOTA_DAILY_PROFESSIONAL: v.int('Deliveries per tenant per UTC day on the professional plan', { default: '100000', min: 0 }),
  QUOTA_DAILY_ENTERPRISE: v.int('Deliveries per tenant per UTC day on the enterprise plan', { default: '10000000', min: 0 }),

  IDEMPOTENCY_TTL: v.duration('How long an Idempotency-Key is remembered', { default: '24h', min: 60, max: 604800 }),
  BATCH_MAX_RECIPIENTS: v.int('Most recipients accepted in one POST /deliveries/batch', { default: '1000', min: 1, max: 1000 }),
  RETRY_MAX_ATTEMPTS: v.int('Failed deliveries with fewer attempts than this are re-queued by POST /jobs/retry-failed', {
    default: '5',
    min: 1,
    max: 100,
  }),
  RETENTION_DAYS: v.int('POST /jobs/purge deletes deliveries, events and inbox items older than this many days', {
    default: '90',
    min: 1,
    max: 3650,
  }),
};

export type NotifyConfig = ConfigOf<typeof notifyConfigSpec>;
export const NOTIFY_CONFIG = Symbol('NOTIFY_CONFIG');

export function loadNotifyConfig(env: Record<string, string | undefined> = process.env): NotifyConfig {
  const config = loadConfig(notifyConfigSpec, env);
  if (!config.AUTH_INTROSPECTION_KEY && config.INTERNAL_API_KEYS.length === 0 && config.NODE_ENV === 'production') {
    throw new ConfigError([
      'AUTH_INTROSPECTION_KEY: is required in production when INTERNAL_API_KEYS is empty (API keys could not be checked)',
    ]);
  }
  return config;
}

export function rateForPlan(config: NotifyConfig, plan: PlanTier): Rate {
  if (plan === 'enterprise') return config.RATE_LIMIT_ENTERPRISE;
  if (plan === 'professional') return config.RATE_LIMIT_PROFESSIONAL;
  return config.RATE_LIMIT_FREE;
}

export function dailyQuotaForPlan(config: NotifyConfig, plan: PlanTier): number {
  if (plan === 'enterprise') return config.QUOTA_DAILY_ENTERPRISE;
  if (plan === 'professional') return config.QUOTA_DAILY_PROFESSIONAL;
  return config.QUOTA_DAILY_FREE;
}
