import { openAesGcm, sealAesGcm } from '#common';

/** AES-256-GCM (the shared envelope: iv | tag | ciphertext). The kid is bound as additional data, so blobs cannot be swapped between rows. */
export function encryptPrivateKey(kek: Buffer, kid: string, plaintext: Buffer): Buffer {
  return sealAesGcm(kek, plaintext, kid);
}

export function decryptPrivateKey(kek: Buffer, kid: string, blob: Buffer): Buffer {
  return openAesGcm(kek, blob, kid);
}
