import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The one AES-256-GCM envelope of the platform: `iv (12) | tag (16) | ciphertext`, with `aad` as
 * additional data (it binds a blob to its row: a ciphertext copied elsewhere does not open).
 * SecretBox (notify-svc's secrets) prefixes it with a key fingerprint and a version; auth-svc's
 * signing keys store it as it is. Changing this layout makes every stored secret unreadable.
 */
export function sealAesGcm(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/**
 * Opens what sealAesGcm made with the same key and `aad`; throws when either differs or the blob was
 * altered. The tag is always the full 16 bytes: a blob too short to hold it is refused, and the
 * decipher is told the length, since Node otherwise takes a tag as short as 4 bytes (a truncated
 * blob would then be checked against 32 bits of tag instead of 128).
 */
export function openAesGcm(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('AES-GCM blob too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
