import { ECDH } from 'node:crypto';

/**
 * FCM registration tokens: an instance id, a colon and the APA91 part, all base64url characters
 * (Firebase documents no grammar; this refuses what can never be one: spaces, JSON, short strings).
 */
const FCM_TOKEN = /^[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)?$/;

export function fcmTokenProblem(token: string): string | null {
  if (token.length < 32 || token.length > 4096) return 'must be an FCM registration token (32 to 4096 characters)';
  if (!FCM_TOKEN.test(token)) return 'must be an FCM registration token (letters, digits, -, _ and one :)';
  return null;
}

const b64url = /^[A-Za-z0-9_-]+={0,2}$/;

/** The subscription's `p256dh`: an uncompressed P-256 point (65 bytes, base64url) that is on the curve. */
export function p256dhProblem(value: string): string | null {
  if (!b64url.test(value)) return 'must be base64url';
  const raw = Buffer.from(value, 'base64url');
  if (raw.length !== 65 || raw[0] !== 0x04) return 'must be an uncompressed P-256 public key (65 bytes)';
  try {
    ECDH.convertKey(raw, 'prime256v1', undefined, undefined, 'compressed'); // throws for a point that is not on the curve
  } catch {
    return 'is not a point on the P-256 curve';
  }
  return null;
}

/** The subscription's `auth` secret: 16 bytes, base64url (RFC 8291 §3.2). */
export function authSecretProblem(value: string): string | null {
  if (!b64url.test(value)) return 'must be base64url';
  return Buffer.from(value, 'base64url').length === 16 ? null : 'must be a 16-byte authentication secret';
}
