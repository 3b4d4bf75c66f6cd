import { createHash } from 'node:crypto';

/** Lookup key of a token or endpoint stored encrypted: SHA-256, hex. */
export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
