import { ConfigError, commonConfigSpec, decodeAes256Key, loadConfig, tokenContractConfigSpec, v, type ConfigOf } from '#common';

export const authConfigSpec = {
  ...commonConfigSpec,
  AUTH_PORT: v.port('auth-svc HTTP port', { default: '3001' }),
  AUTH_DATABASE_URL: v.url('PostgreSQL URL of the auth database', { protocols: ['postgres', 'postgresql'] }),

  ...tokenContractConfigSpec,
  AUTH_PUBLIC_URL: v.optUrl('Public base URL used for the endpoint URLs in OpenID discovery; defaults to AUTH_ISSUER'),
  ACCESS_TOKEN_TTL: v.duration('Access token lifetime (seconds or 15m, 1h...)', { default: '900', min: 1, max: 86400 }),
  REFRESH_TOKEN_TTL: v.duration('Refresh token sliding lifetime: a session unused this long ends', {
    default: '7d',
    min: 1,
    max: 31536000,
  }),
  REFRESH_TOKEN_MAX_AGE: v.duration('Absolute session lifetime: no refresh extends a session beyond this age', {
    default: '30d',
    min: 1,
    max: 31536000,
  }),
  REFRESH_REUSE_GRACE_SECONDS: v.int(
    'Seconds during which the refresh token just replaced may be presented again (retrying mobile clients) without being treated as theft; 0 disables',
    { default: '0', min: 0, max: 60 },
  ),

  KEY_ENCRYPTION_KEY: v.secret('32-byte key (base64 or 64 hex characters) that encrypts the signing keys at rest (AES-256-GCM)', {
    devDefault: '6465762d6f6e6c792d6b65792d656e6372797074696f6e2d6b65792d21212121',
  }),
  KEY_ROTATION_DAYS: v.int('Age in days after which the active signing key is replaced automatically; 0 disables automatic rotation', {
    default: '30',
    min: 0,
    max: 3650,
  }),
  KEY_ROTATION_CHECK_INTERVAL: v.duration('How often each instance checks whether the signing key is due for rotation', {
    default: '1h',
    min: 1,
    max: 86400,
  }),
  KEY_CACHE_REFRESH: v.duration(
    'How often each instance reloads the signing keys from the database (picks up rotations by other instances)',
    {
      default: '30s',
      min: 1,
      max: 3600,
    },
  ),
  SIGNING_KEY_BITS: v.int('RSA modulus size of newly generated signing keys', { default: '2048', min: 2048, max: 4096 }),

  BCRYPT_COST: v.int('bcrypt cost factor for password hashes (each +1 doubles the time)', { default: '12', min: 4, max: 15 }),
  BCRYPT_CONCURRENCY: v.int(
    'bcrypt hashes computed at once per instance (more wait in line); 0 means one per CPU core, which keeps the event loop responsive under a login flood',
    { default: '0', min: 0, max: 64 },
  ),
  LOGIN_MAX_FAILURES: v.int('Failed logins within LOGIN_FAILURE_WINDOW after which an account is locked', {
    default: '5',
    min: 1,
    max: 1000,
  }),
  LOGIN_FAILURE_WINDOW: v.duration('Window in which failed logins of one account are counted', { default: '15m', min: 1 }),
  LOGIN_LOCKOUT_BASE_DELAY: v.duration('First lockout duration; each further lockout in a row doubles it', { default: '1m', min: 1 }),
  LOGIN_LOCKOUT_MAX_DELAY: v.duration('Longest lockout duration', { default: '1h', min: 1 }),
  LOGIN_IP_MAX_FAILURES: v.rate('Failed logins allowed from one IP address, `<count>/<window>`; above it the IP gets 429', {
    default: '50/15m',
  }),
  RATE_LIMIT_SIGNUP: v.rate('Sign-ups per client IP, `<count>/<window>`', { default: '10/1h' }),
  RATE_LIMIT_LOGIN: v.rate('Login attempts per client IP, `<count>/<window>`', { default: '30/1m' }),
  RATE_LIMIT_REFRESH: v.rate('Token refreshes per client IP, `<count>/<window>`', { default: '600/1m' }),
  RATE_LIMIT_TAKEN_EMAIL: v.rate(
    'POST /users answers naming an email as unusable (registered in any tenant), per tenant, `<count>/<window>`; once used up, every user creation of the tenant is 429 until the window ends',
    { default: '10/1h' },
  ),

  PAT_MAX_TTL_DAYS: v.int('Longest lifetime, in days, a personal access token may be given at creation', {
    default: '365',
    min: 1,
    max: 3650,
  }),
  API_KEY_CACHE_TTL: v.duration(
    'How long each instance keeps a verified API key in memory; a key revoked on another instance stops there within this (0 disables)',
    { default: '5s', min: 0, max: 60 },
  ),
  GOOGLE_CLIENT_ID: v.optString('OAuth client id for Google sign-in; unset disables it (its routes answer 503)'),
  GOOGLE_CLIENT_SECRET: v.optString('OAuth client secret for Google sign-in (required with GOOGLE_CLIENT_ID)', { secret: true }),
  GOOGLE_CALLBACK_URL: v.optUrl(
    'Redirect URI registered at Google, pointing at GET /auth/v1/google/callback; default: AUTH_PUBLIC_URL (or AUTH_ISSUER) + /auth/v1/google/callback',
  ),
  GOOGLE_AUTH_URL: v.url('Authorization endpoint of Google (override for tests or a Google-compatible provider)', {
    default: 'https://accounts.google.com/o/oauth2/v2/auth',
  }),
  GOOGLE_TOKEN_URL: v.url('Token endpoint of Google (override for tests or a Google-compatible provider)', {
    default: 'https://oauth2.googleapis.com/token',
  }),
  GOOGLE_USERINFO_URL: v.url('OpenID userinfo endpoint of Google (override for tests or a Google-compatible provider)', {
    default: 'https://openidconnect.googleapis.com/v1/userinfo',
  }),
  GOOGLE_REDIRECT_ALLOWLIST: v.list(
    'Comma-separated app URLs (exact, e.g. myapp://auth/done, https://app.example.com/auth) to which Google sign-in may redirect with the tokens in the URL fragment; without redirect_uri the callback answers JSON',
  ),
};

export type AuthConfig = ConfigOf<typeof authConfigSpec>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export function loadAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const config = loadConfig(authConfigSpec, env);
  const problems: string[] = [];
  if (decodeKeyEncryptionKey(config.KEY_ENCRYPTION_KEY) === null) {
    problems.push('KEY_ENCRYPTION_KEY: must be 32 bytes, written as 64 hex characters or base64');
  }
  if (config.REFRESH_TOKEN_MAX_AGE < config.REFRESH_TOKEN_TTL) {
    problems.push('REFRESH_TOKEN_MAX_AGE: must be at least REFRESH_TOKEN_TTL');
  }
  if (config.LOGIN_LOCKOUT_MAX_DELAY < config.LOGIN_LOCKOUT_BASE_DELAY) {
    problems.push('LOGIN_LOCKOUT_MAX_DELAY: must be at least LOGIN_LOCKOUT_BASE_DELAY');
  }
  if (config.GOOGLE_CLIENT_ID && !config.GOOGLE_CLIENT_SECRET) {
    problems.push('GOOGLE_CLIENT_SECRET: is required when GOOGLE_CLIENT_ID is set');
  }
  for (const entry of config.GOOGLE_REDIRECT_ALLOWLIST) {
    if (!URL.canParse(entry) || entry.includes('#'))
      problems.push(`GOOGLE_REDIRECT_ALLOWLIST: "${entry}" is not an absolute URL without a fragment`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The 32 raw bytes of KEY_ENCRYPTION_KEY, or null when it is neither 64 hex characters nor base64 of 32 bytes. */
/** KEY_ENCRYPTION_KEY as bytes, or null: the shared AES-256 key format. */
export const decodeKeyEncryptionKey = decodeAes256Key;
