import { randomBytes, randomInt, timingSafeEqual, hash } from 'node:crypto';

/**
 * Opaque credentials auth-svc issues: `nk_<id>_<secret>` (API keys) and `pat_<id>_<secret>`
 * (personal access tokens). The id is public and locates the row in one indexed lookup; the secret
 * (256 random bits) is stored only as its SHA-256, which is enough for a secret of that entropy and
 * keeps verification at hashing speed (no bcrypt on the introspection hot path).
 */
export type OpaqueKind = 'api_key' | 'personal_token';

export const CREDENTIAL_PREFIX: Record<OpaqueKind, string> = { api_key: 'nk', personal_token: 'pat' };

const ID_LENGTH = 12;
const SECRET_BYTES = 32;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHAPE = /^(nk|pat)_([0-9A-Za-z]{12})_([A-Za-z0-9_-]{43})$/;
export const PUBLIC_ID_PATTERN = /^[0-9A-Za-z]{12}$/;

export interface MintedCredential {
  id: string;
  /** The whole credential, shown to its owner once. */
  token: string;
  secretHash: Buffer;
}

export interface ParsedCredential {
  kind: OpaqueKind;
  id: string;
  secret: string;
}

export function newPublicId(): string {
  let id = '';
  for (let i = 0; i < ID_LENGTH; i++) id += BASE62[randomInt(62)];
  return id;
}

export function hashSecret(secret: string): Buffer {
  // crypto.hash: one call, no Hash object (about a third of createHash's cost for a short input).
  return hash('sha256', secret, 'buffer');
}

/** A new credential; `id` may be reused (an API key keeps its id when its secret rotates). */
export function mintCredential(kind: OpaqueKind, id: string = newPublicId()): MintedCredential {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, token: `${CREDENTIAL_PREFIX[kind]}_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The parts of a well-formed credential, or null: anything else is not one of ours. */
export function parseCredential(token: string): ParsedCredential | null {
  if (typeof token !== 'string' || token.length > 80) return null;
  const m = SHAPE.exec(token);
  if (!m) return null;
  return { kind: m[1] === 'nk' ? 'api_key' : 'personal_token', id: m[2]!, secret: m[3]! };
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: Buffer | null | undefined): boolean {
  if (!storedHash || storedHash.length !== 32) return false;
  return timingSafeEqual(hashSecret(secret), storedHash);
}
