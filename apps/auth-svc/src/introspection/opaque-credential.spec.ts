import { describe, expect, it } from '@jest/globals';
import { hashSecret, mintCredential, newPublicId, parseCredential, secretMatches } from './opaque-credential.js';

describe('opaque credentials', () => {
  it('mints nk_/pat_ credentials with a 12-char public id and 256 bits of secret', () => {
    const key = mintCredential('api_key');
    expect(key.token).toMatch(/^nk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.token.startsWith(`nk_${key.id}_`)).toBe(true);
    const pat = mintCredential('personal_token');
    expect(pat.token).toMatch(/^pat_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
    const secret = key.token.slice(`nk_${key.id}_`.length);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it('stores only the SHA-256 of the secret, never the secret itself', () => {
    const key = mintCredential('api_key');
    const secret = parseCredential(key.token)!.secret;
    expect(key.secretHash.equals(hashSecret(secret))).toBe(true);
    expect(key.secretHash.toString('utf8')).not.toContain(secret);
  });

  it('parses what it mints and keeps the id on rotation', () => {
    const key = mintCredential('api_key');
    expect(parseCredential(key.token)).toEqual({ kind: 'api_key', id: key.id, secret: expect.any(String) });
    const rotated = mintCredential('api_key', key.id);
    expect(rotated.id).toBe(key.id);
    expect(rotated.token).not.toBe(key.token);
  });

  it('rejects anything that is not exactly one of our shapes', () => {
    const good = mintCredential('personal_token').token;
    for (const bad of [
      '',
      'nk_',
      'pat_abc_def',
      good + 'x',
      good.slice(1),
      `xx${good.slice(3)}`,
      'nk_short_' + 'a'.repeat(43),
      'eyJhbGciOi.x.y',
    ]) {
      expect(parseCredential(bad)).toBeNull();
    }
    expect(parseCredential(undefined as unknown as string)).toBeNull();
  });

  it('compares secrets in constant time and refuses a wrong or missing hash', () => {
    const key = mintCredential('api_key');
    const { secret } = parseCredential(key.token)!;
    expect(secretMatches(secret, key.secretHash)).toBe(true);
    expect(
      secretMatches(
        secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        key.secretHash,
      ),
    ).toBe(false);
    expect(secretMatches(secret, null)).toBe(false);
    expect(secretMatches(secret, Buffer.alloc(5))).toBe(false);
  });

  it('makes public ids that do not repeat in practice', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newPublicId()));
    expect(ids.size).toBe(5000);
  });
});
