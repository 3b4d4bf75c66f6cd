import { describe, expect, it } from '@jest/globals';
import { openAesGcm, sealAesGcm } from './aes-gcm.js';
import { SecretBox } from './secret-box.js';

/*
 * Blobs written by the code before the envelope was shared (notify-svc's SecretBox and auth-svc's
 * key-encryption each had their own AES-GCM): rows already stored must still open.
 */
const OLD_SECRET_BOX_KEY = 'a'.repeat(64);
const OLD_SECRET_BOX_BLOB = 'v1.4Od6UCnzCWNsV6O0gbFHvOKME2y5aHAjdzHxER2k6HXCjd3iGY7C8cLZ8KwJ3VbB2SmrTauMhA';
const OLD_KEK = Buffer.alloc(32, 7);
const OLD_PRIVATE_KEY_BLOB = Buffer.from('agkKmdb10YeHZBD7xdOpGFmmE+R2odGO9mlRSoM6jpuaD61g/Nr9HFfmnEcBi16A+9CDDlsHVkiIsA==', 'base64');

describe('the shared AES-256-GCM envelope', () => {
  it('opens a SecretBox blob written by the previous SecretBox code', () => {
    const box = new SecretBox([OLD_SECRET_BOX_KEY]);
    expect(box.decrypt(OLD_SECRET_BOX_BLOB, 'tenant-1:twilio')).toBe('{"apiKey":"old-secret"}');
    expect(() => box.decrypt(OLD_SECRET_BOX_BLOB, 'tenant-2:twilio')).toThrow();
  });

  it("opens a signing-key blob written by auth-svc's previous key-encryption code", () => {
    expect(openAesGcm(OLD_KEK, OLD_PRIVATE_KEY_BLOB, 'kid-2026').toString('utf8')).toBe('-----BEGIN PRIVATE KEY-----old');
    expect(() => openAesGcm(OLD_KEK, OLD_PRIVATE_KEY_BLOB, 'kid-other')).toThrow();
  });

  it('round-trips with a random IV, and an altered blob or another key does not open', () => {
    const key = Buffer.alloc(32, 1);
    const a = sealAesGcm(key, Buffer.from('secret'), 'row');
    expect(a.length).toBe(12 + 16 + 6);
    expect(sealAesGcm(key, Buffer.from('secret'), 'row').equals(a)).toBe(false);
    expect(openAesGcm(key, a, 'row').toString()).toBe('secret');
    const altered = Buffer.from(a);
    altered[altered.length - 1]! ^= 1;
    expect(() => openAesGcm(key, altered, 'row')).toThrow();
    expect(() => openAesGcm(Buffer.alloc(32, 2), a, 'row')).toThrow();
  });

  it('refuses a blob cut inside its tag: a 4-byte prefix of the true tag opens nothing', () => {
    const key = Buffer.alloc(32, 3);
    const sealed = sealAesGcm(key, Buffer.alloc(0), 'row');
    expect(openAesGcm(key, sealed, 'row').length).toBe(0);
    for (const cut of [12 + 4, 12 + 8, 12 + 15]) {
      expect(() => openAesGcm(key, sealed.subarray(0, cut), 'row')).toThrow();
    }
  });
});
