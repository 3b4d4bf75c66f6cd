import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SecretBox, decodeAes256Key } from './secret-box.js';

const k1 = randomBytes(32).toString('hex');
const k2 = randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips, and every encryption differs (random IV)', () => {
    const box = new SecretBox([k1]);
    const a = box.encrypt('whsec_secret', 'row-1');
    expect(box.decrypt(a, 'row-1')).toBe('whsec_secret');
    expect(box.encrypt('whsec_secret', 'row-1')).not.toBe(a);
    expect(a).not.toContain('whsec_secret');
  });

  it('binds the blob to its row: another AAD fails', () => {
    const box = new SecretBox([k1]);
    expect(() => box.decrypt(box.encrypt('s', 'row-1'), 'row-2')).toThrow();
  });

  it('rotates: a new first key encrypts, old blobs still decrypt; a removed key no longer does', () => {
    const old = new SecretBox([k1]).encrypt('s', 'r');
    const rotated = new SecretBox([k2, k1]);
    expect(rotated.decrypt(old, 'r')).toBe('s');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt('s', 'r'))).toBe(true);
    expect(() => new SecretBox([k2]).decrypt(old, 'r')).toThrow(/not configured/);
  });

  it('refuses tampered blobs and bad keys', () => {
    const box = new SecretBox([k1]);
    const blob = box.encrypt('secret', 'r');
    const raw = Buffer.from(blob.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(() => box.decrypt(`v1.${raw.toString('base64url')}`, 'r')).toThrow();
    expect(() => new SecretBox(['short'])).toThrow(/32 bytes/);
    expect(decodeAes256Key('zz')).toBeNull();
    expect(decodeAes256Key(k2)?.length).toBe(32);
  });
});
