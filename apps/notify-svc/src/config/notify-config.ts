import {
  commonConfigSpec,
  tokenContractConfigSpec,
  ConfigError,
  decodeAes256Key,
  loadConfig,
  v,
  type ConfigOf,
  type PlanTier,
  type Rate,
} from '#common';
import { isPhoneRegion } from '../deliveries/policy/addresses.js';

export const notifyConfigSpec = {
  ...commonConfigSpec,
  NOTIFY_PORT: v.port('notify-svc HTTP port', { default: '3002' }),
  NOTIFY_PROCESSES: v.int(
    'Processes notify-svc answers on, one port (each the whole service, with its in-process workers and up to DB_POOL_SIZE + 10 PostgreSQL connections); 0: one a CPU core, at most 2',
    { default: '0', min: 0, max: 64 },
  ),
  NOTIFY_DATABASE_URL: v.url('PostgreSQL URL of the notify database', { protocols: ['postgres', 'postgresql'] }),

  AUTH_JWKS_URL: v.url("auth-svc's JWKS: the public keys access tokens are verified with (cached; re-fetched on an unknown kid)", {
    default: 'http://localhost:3001/.well-known/jwks.json',
  }),
  ...tokenContractConfigSpec,
  AUTH_INTROSPECTION_URL: v.url("auth-svc's RFC 7662 introspection endpoint, used to check API keys and personal access tokens", {
    default: 'http://localhost:3001/auth/v1/introspect',
  }),
  AUTH_REVOCATIONS_URL: v.url(
    "auth-svc's revocation feed (ended sessions, deactivated users, role changes), polled so such access tokens are refused (or lose the roles) before their exp",
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
    'How long an active API key / personal token answer is cached (a revocation takes effect within this; streams it opened end within this plus at most 5 s)',
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
  RATE_LIMIT_WEBHOOKS_IP: v.rate(
    'Provider webhooks (POST /notify/v1/webhooks/*) per client IP, `<count>/<window>`: providers post receipts from a few addresses, at the pace of your sends',
    { default: '6000/1m' },
  ),
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

  WORKERS_ENABLED: v.bool('Run delivery workers inside this notify-svc process (npm run start:worker runs them alone)', {
    default: 'true',
  }),
  WORKER_CONCURRENCY: v.int(
    'Deliveries one worker process sends at once (more in flight make bigger shared transactions: fewer statements per delivery)',
    { default: '32', min: 1, max: 500 },
  ),
  WORKER_POLL_INTERVAL: v.duration('How often idle workers look for jobs that became due (new jobs arrive at once by LISTEN/NOTIFY)', {
    default: '1s',
    min: 1,
    max: 60,
  }),
  WORKER_HEARTBEAT_TIMEOUT: v.duration(
    'A worker process silent this long is presumed dead and its jobs are handed to the others (it beats every third of this)',
    { default: '30s', min: 2, max: 3600 },
  ),
  DELIVERY_SEND_LEASE: v.duration(
    'How long a worker holds a delivery it is sending; if it dies, another sends it after this (keep above every provider timeout)',
    { default: '60s', min: 2, max: 3600 },
  ),
  DELIVERY_MAX_ATTEMPTS: v.int('Provider attempts per delivery before a temporary failure becomes final (failed)', {
    default: '8',
    min: 1,
    max: 50,
  }),
  DELIVERY_RETRY_BASE_MS: v.int('First retry delay in milliseconds; each further attempt doubles it (with jitter)', {
    default: '2000',
    min: 10,
    max: 3600000,
  }),
  DELIVERY_RETRY_MAX_DELAY: v.duration('Longest delay between two attempts (a provider Retry-After is honoured up to this)', {
    default: '1h',
    min: 1,
    max: 86400,
  }),
  SMTP_URL: v.optUrl(
    'SMTP server for email (smtp:// or smtps://, credentials in the URL); npm start runs a local mail catcher when unset',
    { protocols: ['smtp', 'smtps'], secret: true },
  ),
  SMTP_FROM: v.string('Sender of emails (a bare address or `Name <address>`)', { default: 'Notify <notify@localhost>' }),
  SMTP_FALLBACK_URL: v.optUrl(
    'A second SMTP server (provider `smtp-fallback`, same SMTP_FROM) that takes the emails while the breaker of `smtp` is open (failover)',
    { protocols: ['smtp', 'smtps'], secret: true },
  ),
  EMAIL_PROVIDERS: v.list(
    'Failover order of the email providers, by name (e.g. `smtp,smtp-fallback`); unset: the order they are configured in. A configured provider left out of the list is not used',
  ),
  SMS_PROVIDERS: v.list('Failover order of the SMS providers, by name (e.g. `twilio`); unset: the order they are configured in'),
  WHATSAPP_PROVIDERS: v.list(
    'Failover order of the WhatsApp providers, by name (e.g. `meta,twilio`); unset: the order they are configured in',
  ),
  PUSH_PROVIDERS: v.list('Failover order of the push providers, by name; unset: the order they are configured in'),
  PROVIDER_BREAKER_FAILURES: v.int(
    "A provider's circuit breaker opens when, within PROVIDER_BREAKER_WINDOW, at least this many sends went to it and more than PROVIDER_BREAKER_ERROR_RATE % of them failed temporarily (a permanent failure of one message counts as an answer, never as a failure)",
    { default: '5', min: 1, max: 100000 },
  ),
  PROVIDER_BREAKER_ERROR_RATE: v.int('Percentage of temporary failures within the window above which the breaker opens (1-99)', {
    default: '50',
    min: 1,
    max: 99,
  }),
  PROVIDER_BREAKER_WINDOW: v.duration('Sliding window the breaker counts sends and temporary failures over', {
    default: '30s',
    min: 1,
    max: 3600,
  }),
  PROVIDER_BREAKER_HALF_OPEN_AFTER: v.duration(
    'How long an open breaker keeps its provider out; then one probe send goes to it: sent closes the breaker, a temporary failure opens it again',
    { default: '30s', min: 1, max: 86400 },
  ),
  WEBHOOK_TIMEOUT: v.duration('Time a webhook receiver has to answer (connect to last byte)', { default: '10s', min: 1, max: 120 }),
  WEBHOOK_ALLOW_PRIVATE: v.bool(
    "Allow webhooks and tenants' provider base URLs to loopback and private addresses (and provider base URLs plain http to loopback); metadata addresses stay refused; for tests and closed networks only",
    { default: 'false' },
  ),
  WEB_PUSH_VAPID_PUBLIC_KEY: v.optString(
    'VAPID public key (base64url, from `npx web-push generate-vapid-keys`) for Web Push; clients read it at GET /notify/v1/push-subscriptions/vapid-public-key. npm start generates a pair once and keeps it in .data/; without a pair Web Push is off (the routes answer 503 SERVICE_UNAVAILABLE)',
  ),
  WEB_PUSH_VAPID_PRIVATE_KEY: v.optString('VAPID private key (base64url) that signs Web Push requests; set together with the public key', {
    secret: true,
  }),
  WEB_PUSH_SUBJECT: v.string('VAPID subject: a mailto: or https: contact the push services can reach you at', {
    default: 'mailto:notify@localhost',
  }),
  WEB_PUSH_TIMEOUT: v.duration('Time a push service has to answer one Web Push or FCM request', { default: '10s', min: 1, max: 120 }),
  WEB_PUSH_ALLOW_PRIVATE: v.bool(
    'Allow Web Push subscription endpoints on loopback and private addresses, over http too (metadata addresses stay refused); for tests only',
    { default: 'false' },
  ),
  FCM_SERVICE_ACCOUNT: v.optString(
    'Firebase service account for FCM HTTP v1 device pushes: the JSON itself or a path to the JSON file (its private key signs the OAuth assertion). Unset: device pushes are logged by the dev provider outside production',
    { secret: true },
  ),
  FCM_PROJECT_ID: v.optString('Firebase project id to send with (default: the project_id of the service account)'),
  FCM_API_URL: v.url('Base URL of the FCM HTTP v1 API', { default: 'https://fcm.googleapis.com', protocols: ['http', 'https'] }),
  FCM_TOKEN_URL: v.optUrl("OAuth token endpoint the service-account assertion is exchanged at (default: the service account's token_uri)", {
    protocols: ['http', 'https'],
  }),
  NOTIFY_PUBLIC_URL: v.optUrl(
    "Public base URL of notify-svc as providers reach it; delivery receipts come back to <this>/notify/v1/webhooks/<provider> (Twilio's StatusCallback, whose signature covers this URL). Default: AUTH_ISSUER, the gateway's public URL",
    { protocols: ['http', 'https'] },
  ),
  SMS_DEFAULT_REGION: v.optString(
    'ISO 3166-1 country (e.g. GB) whose national format is accepted for sms/whatsapp numbers without +; unset: only international numbers (E.164) are accepted',
  ),
  SMS_TIMEOUT: v.duration('Time an SMS or WhatsApp provider (Twilio, WhatsApp Cloud API) has to answer one send', {
    default: '10s',
    min: 1,
    max: 120,
  }),
  TWILIO_ACCOUNT_SID: v.optString(
    'Platform Twilio account (AC…) for sms and whatsapp; set with TWILIO_AUTH_TOKEN, and a sender per channel (TWILIO_FROM, TWILIO_WHATSAPP_FROM or TWILIO_MESSAGING_SERVICE_SID); without one the platform account sends nothing on that channel and only verifies receipts. Unset: SMS/WhatsApp are logged by the dev provider outside production',
  ),
  TWILIO_AUTH_TOKEN: v.optString(
    'Auth token of TWILIO_ACCOUNT_SID (HTTP basic auth to the Messages API; signs its StatusCallback requests)',
    {
      secret: true,
    },
  ),
  TWILIO_FROM: v.optString('Sender of SMS: an E.164 number of the account, or an alphanumeric sender id (up to 11 characters)'),
  TWILIO_WHATSAPP_FROM: v.optString('Sender of WhatsApp messages through Twilio: an E.164 number (written with or without `whatsapp:`)'),
  TWILIO_MESSAGING_SERVICE_SID: v.optString(
    'Twilio Messaging Service (MG…) that picks the sender when TWILIO_FROM / TWILIO_WHATSAPP_FROM are unset',
  ),
  TWILIO_API_URL: v.url('Base URL of the Twilio REST API', { default: 'https://api.twilio.com', protocols: ['http', 'https'] }),
  WHATSAPP_CLOUD_API_URL: v.url('Base URL of the Meta Graph API for the WhatsApp Cloud API', {
    default: 'https://graph.facebook.com',
    protocols: ['http', 'https'],
  }),
  WHATSAPP_CLOUD_API_VERSION: v.string('Graph API version of the WhatsApp Cloud API calls, e.g. v21.0', { default: 'v21.0' }),
  WHATSAPP_CLOUD_ACCESS_TOKEN: v.optString(
    'Access token (system user) for the WhatsApp Cloud API; set with WHATSAPP_CLOUD_PHONE_NUMBER_ID. Unset: no Meta provider for whatsapp',
    { secret: true },
  ),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: v.optString('Phone number id (not the number) the WhatsApp Cloud API sends from'),
  WHATSAPP_CLOUD_APP_SECRET: v.optString(
    "App secret of the platform's Meta app: verifies X-Hub-Signature-256 of WhatsApp Cloud API webhooks at POST /notify/v1/webhooks/meta (unset: refused with 401)",
    { secret: true },
  ),
  WHATSAPP_CLOUD_VERIFY_TOKEN: v.optString(
    'Verify token of the Meta webhook subscription handshake (GET /notify/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=...); unset: the handshake is refused',
    { secret: true },
  ),
  RECEIPTS_WEBHOOK_SECRET: v.optString(
    'Standard Webhooks secret (`whsec_` + base64) a generic provider signs its receipts with at POST /notify/v1/webhooks/generic (unset: refused with 401)',
    { secret: true },
  ),
  CREDENTIALS_ENCRYPTION_KEY: v.list(
    'Comma-separated 32-byte keys (base64 or 64 hex) that encrypt stored secrets (webhook signing secrets, push endpoints and tokens, tenant provider accounts) with AES-256-GCM: the first encrypts, all decrypt, so a new key goes in front and the old one stays until re-encrypted (rotation)',
    { secret: true, devDefault: '6e6f746966792d6465762d6f6e6c792d63726564656e7469616c732d6b657921' },
  ),
  IDEMPOTENCY_TTL: v.duration('How long an Idempotency-Key is remembered', { default: '24h', min: 60, max: 604800 }),
  CAMPAIGN_POLL_INTERVAL: v.duration(
    "Longest a running campaign's send job sleeps before it looks again for recipients whose time came (a local-time schedule)",
    { default: '30s', min: 1, max: 3600 },
  ),
  WORKFLOW_POLL_INTERVAL: v.duration(
    'Longest a waiting workflow run (a delay, a digest window) sleeps before its job looks at the clock again',
    { default: '15m', min: 1, max: 86400 },
  ),
  CAMPAIGN_RATE_WINDOW: v.duration(
    "The window a campaign's maxPerMinute counts in (a minute; tests shorten it): at most maxPerMinute deliveries per window",
    { default: '60s', min: 1, max: 3600 },
  ),
  CAMPAIGN_CHUNK: v.int('Recipients a campaign job expands, or turns into deliveries, per transaction', {
    default: '1000',
    min: 10,
    max: 10000,
  }),
  BATCH_MAX_RECIPIENTS: v.int('Most recipients accepted in one POST /deliveries/batch', { default: '1000', min: 1, max: 1000 }),
  SSE_KEEPALIVE: v.duration('Live streams (GET /notifications/stream) send a keepalive comment this often, so proxies keep them open', {
    default: '30s',
    min: 1,
    max: 3600,
  }),
  SSE_MAX_BUFFER_BYTES: v.int(
    'Unsent bytes a live-stream client may fall behind by before it is dropped (it reconnects and resumes with Last-Event-ID)',
    { default: '262144', min: 16384, max: 67108864 },
  ),
  TOPIC_RETENTION: v.duration('How long topic messages are kept (a queued job purges older ones; `since=` reaches back at most this far)', {
    default: '12h',
    min: 60,
    max: 2592000,
  }),
  TOPIC_KEEPALIVE: v.duration('Topic subscriptions (SSE, JSON stream, WebSocket) receive a keepalive event this often', {
    default: '30s',
    min: 1,
    max: 3600,
  }),
  TOPIC_MESSAGE_MAX_BYTES: v.int('Largest topic message body in bytes (413 PAYLOAD_TOO_LARGE above it)', {
    default: '4096',
    min: 64,
    max: 65536,
  }),
  TOPIC_MAX_STREAMS_PER_IP: v.int('Open topic subscriptions one client IP (IPv6: its /64) may hold on one instance (429 above it)', {
    default: '30',
    min: 1,
    max: 100000,
  }),
  TOPIC_MAX_STREAMS_PER_TENANT: v.int("Open subscriptions to one tenant's topics on one instance (429 above it)", {
    default: '5000',
    min: 1,
    max: 1000000,
  }),
  TOPIC_ANONYMOUS_RATE: v.rate(
    'Anonymous topic requests per client IP (IPv6 grouped by /64), `<count>/<window>`; the whole window may be spent at once (burst)',
    { default: '60/1m' },
  ),
  TOPIC_PUBLISH_FREE: v.rate('Topic publishes per tenant on the free plan, `<count>/<window>` (429 with Retry-After above it)', {
    default: '10/1m',
  }),
  TOPIC_PUBLISH_PROFESSIONAL: v.rate('Topic publishes per tenant on the professional (essentials) plan, `<count>/<window>`', {
    default: '30/1m',
  }),
  TOPIC_PUBLISH_ENTERPRISE: v.rate('Topic publishes per tenant on the enterprise (team) plan, `<count>/<window>`', {
    default: '100/1m',
  }),
  TOPIC_SUBSCRIBER_MAX_BACKLOG: v.int(
    'Unsent bytes a topic subscriber may fall behind by before it is dropped (it reconnects with since= or Last-Event-ID to catch up)',
    { default: '262144', min: 4096, max: 67108864 },
  ),
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
  if (!config.WEB_PUSH_VAPID_PUBLIC_KEY !== !config.WEB_PUSH_VAPID_PRIVATE_KEY) {
    throw new ConfigError(['WEB_PUSH_VAPID_PUBLIC_KEY, WEB_PUSH_VAPID_PRIVATE_KEY: set both or neither']);
  }
  const b64urlBytes = (k: string | undefined) => (k && /^[A-Za-z0-9_-]+$/.test(k) ? Buffer.from(k, 'base64url').length : 0);
  if (config.WEB_PUSH_VAPID_PUBLIC_KEY && b64urlBytes(config.WEB_PUSH_VAPID_PUBLIC_KEY) !== 65) {
    throw new ConfigError([
      'WEB_PUSH_VAPID_PUBLIC_KEY: must be a P-256 public key, 65 bytes in base64url (npx web-push generate-vapid-keys)',
    ]);
  }
  if (config.WEB_PUSH_VAPID_PRIVATE_KEY && b64urlBytes(config.WEB_PUSH_VAPID_PRIVATE_KEY) !== 32) {
    throw new ConfigError(['WEB_PUSH_VAPID_PRIVATE_KEY: must be a P-256 private key, 32 bytes in base64url']);
  }
  const smsProblems = smsConfigProblems(config);
  if (smsProblems.length) throw new ConfigError(smsProblems);
  if (config.RECEIPTS_WEBHOOK_SECRET && !isStandardWebhooksSecret(config.RECEIPTS_WEBHOOK_SECRET)) {
    throw new ConfigError(['RECEIPTS_WEBHOOK_SECRET: must be `whsec_` followed by base64 of at least 24 bytes']);
  }
  if (config.CREDENTIALS_ENCRYPTION_KEY.length === 0) {
    throw new ConfigError(['CREDENTIALS_ENCRYPTION_KEY: is required in production (keys that encrypt stored secrets)']);
  }
  if (config.CREDENTIALS_ENCRYPTION_KEY.some((k) => decodeAes256Key(k) === null)) {
    throw new ConfigError(['CREDENTIALS_ENCRYPTION_KEY: each key must be 32 bytes, written as 64 hex characters or base64']);
  }
  return config;
}

/** Half-configured SMS / WhatsApp providers: the variables that are missing or malformed. */
function smsConfigProblems(c: NotifyConfig): string[] {
  const problems: string[] = [];
  const e164 = /^\+[1-9]\d{6,14}$/;
  if (c.SMS_DEFAULT_REGION && !isPhoneRegion(c.SMS_DEFAULT_REGION)) {
    problems.push('SMS_DEFAULT_REGION: must be an ISO 3166-1 alpha-2 country code in capitals, e.g. GB');
  }
  if (c.TWILIO_ACCOUNT_SID && !c.TWILIO_AUTH_TOKEN) problems.push('TWILIO_AUTH_TOKEN: is required with TWILIO_ACCOUNT_SID');
  if (c.TWILIO_AUTH_TOKEN && !c.TWILIO_ACCOUNT_SID) problems.push('TWILIO_ACCOUNT_SID: is required with TWILIO_AUTH_TOKEN');
  if (c.TWILIO_ACCOUNT_SID && !/^AC[0-9a-fA-F]{32}$/.test(c.TWILIO_ACCOUNT_SID)) {
    problems.push('TWILIO_ACCOUNT_SID: must be an account SID, AC followed by 32 hex characters');
  }
  if (c.TWILIO_FROM && !e164.test(c.TWILIO_FROM) && !/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(c.TWILIO_FROM)) {
    problems.push('TWILIO_FROM: must be an E.164 number (+14155552671) or an alphanumeric sender id of up to 11 characters');
  }
  if (c.TWILIO_WHATSAPP_FROM && !e164.test(c.TWILIO_WHATSAPP_FROM.replace(/^whatsapp:/, ''))) {
    problems.push('TWILIO_WHATSAPP_FROM: must be an E.164 number, e.g. whatsapp:+14155238886');
  }
  if (c.TWILIO_MESSAGING_SERVICE_SID && !/^MG[0-9a-fA-F]{32}$/.test(c.TWILIO_MESSAGING_SERVICE_SID)) {
    problems.push('TWILIO_MESSAGING_SERVICE_SID: must be a messaging service SID, MG followed by 32 hex characters');
  }
  if (c.WHATSAPP_CLOUD_ACCESS_TOKEN && !c.WHATSAPP_CLOUD_PHONE_NUMBER_ID) {
    problems.push('WHATSAPP_CLOUD_PHONE_NUMBER_ID: is required with WHATSAPP_CLOUD_ACCESS_TOKEN');
  }
  if (c.WHATSAPP_CLOUD_PHONE_NUMBER_ID && !c.WHATSAPP_CLOUD_ACCESS_TOKEN) {
    problems.push('WHATSAPP_CLOUD_ACCESS_TOKEN: is required with WHATSAPP_CLOUD_PHONE_NUMBER_ID');
  }
  if (c.WHATSAPP_CLOUD_PHONE_NUMBER_ID && !/^\d{1,30}$/.test(c.WHATSAPP_CLOUD_PHONE_NUMBER_ID)) {
    problems.push('WHATSAPP_CLOUD_PHONE_NUMBER_ID: must be the numeric phone number id');
  }
  if (!/^v\d+\.\d+$/.test(c.WHATSAPP_CLOUD_API_VERSION)) problems.push('WHATSAPP_CLOUD_API_VERSION: must look like v21.0');
  return problems;
}

export function rateForPlan(config: NotifyConfig, plan: PlanTier): Rate {
  if (plan === 'enterprise') return config.RATE_LIMIT_ENTERPRISE;
  if (plan === 'professional') return config.RATE_LIMIT_PROFESSIONAL;
  return config.RATE_LIMIT_FREE;
}

export function topicPublishRateForPlan(config: NotifyConfig, plan: PlanTier): Rate {
  if (plan === 'enterprise') return config.TOPIC_PUBLISH_ENTERPRISE;
  if (plan === 'professional') return config.TOPIC_PUBLISH_PROFESSIONAL;
  return config.TOPIC_PUBLISH_FREE;
}

export function dailyQuotaForPlan(config: NotifyConfig, plan: PlanTier): number {
  if (plan === 'enterprise') return config.QUOTA_DAILY_ENTERPRISE;
  if (plan === 'professional') return config.QUOTA_DAILY_PROFESSIONAL;
  return config.QUOTA_DAILY_FREE;
}

/** `whsec_` + base64 of 24 to 64 bytes, as Standard Webhooks secrets are written. */
function isStandardWebhooksSecret(s: string): boolean {
  const b64 = s.startsWith('whsec_') ? s.slice(6) : '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const n = Buffer.from(b64, 'base64').length;
  return n >= 24 && n <= 64;
}

/** The public base URL of notify-svc as providers reach it (no trailing slash): NOTIFY_PUBLIC_URL, else the gateway's (AUTH_ISSUER). */
export function notifyPublicUrl(config: Pick<NotifyConfig, 'NOTIFY_PUBLIC_URL' | 'AUTH_ISSUER'>): string {
  return (config.NOTIFY_PUBLIC_URL ?? config.AUTH_ISSUER).replace(/\/+$/, '');
}
