import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '#common';
import { decodeKeyEncryptionKey, loadAuthConfig } from './auth-config.js';

const base = { AUTH_DATABASE_URL: 'postgres://localhost/auth' };

describe('auth-svc configuration', () => {
  it('has the documented defaults', () => {
    const c = loadAuthConfig(base);
    expect(c).toMatchObject({
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 7 * 86400,
      REFRESH_TOKEN_MAX_AGE: 30 * 86400,
      REFRESH_REUSE_GRACE_SECONDS: 0,
      BCRYPT_COST: 12,
      LOGIN_MAX_FAILURES: 5,
      KEY_ROTATION_DAYS: 30,
    });
    expect(c.RATE_LIMIT_LOGIN).toEqual({ count: 30, windowSeconds: 60 });
  });

  it('accepts KEY_ENCRYPTION_KEY as 64 hex characters or base64 of 32 bytes, nothing else', () => {
    expect(decodeKeyEncryptionKey('ab'.repeat(32))).toHaveLength(32);
    expect(decodeKeyEncryptionKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(decodeKeyEncryptionKey(Buffer.alloc(32, 7).toString('base64url'))).toHaveLength(32);
    expect(decodeKeyEncryptionKey('too-short')).toBeNull();
    expect(decodeKeyEncryptionKey(Buffer.alloc(16).toString('base64'))).toBeNull();
    expect(() => loadAuthConfig({ ...base, KEY_ENCRYPTION_KEY: 'nope' })).toThrow(/KEY_ENCRYPTION_KEY/);
  });

  it('requires KEY_ENCRYPTION_KEY in production (the dev default is for development only)', () => {
    expect(() => loadAuthConfig({ ...base, NODE_ENV: 'production', INTERNAL_API_KEYS: 'k' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ ...base, NODE_ENV: 'production', KEY_ENCRYPTION_KEY: 'cd'.repeat(32) })).not.toThrow();
  });

  it('rejects out-of-range and inconsistent values, naming the variable', () => {
    expect(() => loadAuthConfig({ ...base, REFRESH_REUSE_GRACE_SECONDS: '61' })).toThrow(/REFRESH_REUSE_GRACE_SECONDS/);
    expect(() => loadAuthConfig({ ...base, RATE_LIMIT_SIGNUP: 'lots' })).toThrow(/RATE_LIMIT_SIGNUP/);
    expect(() => loadAuthConfig({ ...base, REFRESH_TOKEN_TTL: '40d' })).toThrow(/REFRESH_TOKEN_MAX_AGE/);
    expect(() => loadAuthConfig({ ...base, BCRYPT_COST: '3' })).toThrow(/BCRYPT_COST/);
  });
});
