/**
 * Encrypts secrets at rest (AES-256-GCM under CREDENTIALS_ENCRYPTION_KEY, a SecretBox); `aad` binds a
 * blob to its row. One instance for the whole service (SecretCipherModule, global): webhook signing
 * secrets, push subscriptions and device tokens, and tenants' provider accounts.
 */
export interface SecretCipher {
  encrypt(plaintext: string, aad: string): string;
  decrypt(blob: string, aad: string): string;
  /** Whether the blob was encrypted with the current (first) key; false means due for re-encryption. */
  isCurrent(blob: string): boolean;
}
export const SECRET_CIPHER = Symbol('SECRET_CIPHER');
