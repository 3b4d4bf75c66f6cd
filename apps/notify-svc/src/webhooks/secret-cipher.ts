/** Encrypts secrets at rest (AES-256-GCM under CREDENTIALS_ENCRYPTION_KEY); `aad` binds a blob to its row. */
export interface SecretCipher {
  encrypt(plaintext: string, aad: string): string;
  decrypt(blob: string, aad: string): string;
}
export const SECRET_CIPHER = Symbol('SECRET_CIPHER');
