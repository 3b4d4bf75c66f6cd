import { createHash } from 'node:crypto';
import { openAesGcm, sealAesGcm } from './aes-gcm.js';

/** A 32-byte key written as 64 hex characters or base64 (standard or url-safe), or null. */
export function decodeAes256Key(raw: string): Buffer | null {
  const s = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) {
    const buf = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (buf.length === 32) return buf;
  }
  return null;
}

const VERSION = 'v1';
const KID_BYTES = 4;

/**
 * Secrets at rest under AES-256-GCM with rotating keys: the first key encrypts, every key decrypts
 * (the blob names its key by a short fingerprint), so a new key is added in front, old blobs stay
 * readable, and re-encrypting them can happen later without downtime. The additional data binds a
 * blob to its row: a ciphertext copied onto another row does not decrypt.
 * Blob: `v1.` + base64url(kid | iv | tag | ciphertext): the kid, then sealAesGcm's envelope.
 */
export class SecretBox {
  private readonly keys: Array<{ kid: Buffer; key: Buffer }>;

  constructor(rawKeys: string[]) {
    if (rawKeys.length === 0) throw new Error('SecretBox needs at least one key');
    this.keys = rawKeys.map((raw, i) => {
      const key = decodeAes256Key(raw);
      if (!key) throw new Error(`encryption key #${i + 1} is not 32 bytes (64 hex characters or base64)`);
      return { kid: createHash('sha256').update(key).digest().subarray(0, KID_BYTES), key };
    });
  }

  encrypt(plaintext: string, aad: string): string {
    const { kid, key } = this.keys[0]!;
    return `${VERSION}.${Buffer.concat([kid, sealAesGcm(key, Buffer.from(plaintext, 'utf8'), aad)]).toString('base64url')}`;
  }

  decrypt(blob: string, aad: string): string {
    const [version, body] = blob.split('.', 2);
    if (version !== VERSION || !body) throw new Error('not a SecretBox blob');
    const raw = Buffer.from(body, 'base64url');
    const kid = raw.subarray(0, KID_BYTES);
    const entry = this.keys.find((k) => k.kid.equals(kid));
    if (!entry) throw new Error('the key that encrypted this secret is not configured');
    return openAesGcm(entry.key, raw.subarray(KID_BYTES), aad).toString('utf8');
  }

  /** Whether the blob was made with the current (first) key; older ones are due for re-encryption. */
  isCurrent(blob: string): boolean {
    const body = blob.split('.', 2)[1];
    return !!body && Buffer.from(body, 'base64url').subarray(0, KID_BYTES).equals(this.keys[0]!.kid);
  }
}
