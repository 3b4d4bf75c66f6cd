import { sign, verify, type KeyObject } from 'node:crypto';

/** Minimal RS256 JWS compact serialisation on node:crypto with pre-parsed KeyObjects (the fast path). */
export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

/**
 * Signs on libuv's thread pool (crypto.sign with a callback): an RS256 signature costs ~0.3 ms of
 * CPU, which on the event loop would cap a refresh-heavy instance at one core.
 */
export function signJwtAsync(header: JwtHeader, payload: object, privateKey: KeyObject): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), privateKey, (err, signature) => {
      if (err) reject(err);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

export interface DecodedJwt {
  header: JwtHeader;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWT; null when it is not one. Does not verify anything. */
export function decodeJwt(token: string): DecodedJwt | null {
  if (typeof token !== 'string' || token.length > 8192) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as JwtHeader;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

export function verifySignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  return verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
}

function b64json(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
