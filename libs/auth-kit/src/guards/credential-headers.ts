import { AppException } from '#common';

export type CredentialHeaders = Record<string, string | string[] | undefined>;
export interface RequestWithHeaders {
  headers: CredentialHeaders;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type PresentedCredential = { kind: 'jwt'; token: string } | { kind: 'api_key' | 'personal_token'; token: string } | null;

/**
 * Which credential a request brings: `Authorization: Bearer <JWT>`, `Authorization: Bearer pat_...`
 * or `X-API-Key: nk_...` (Authorization wins when both are sent). Null when it brings none;
 * throws 401 for a malformed one.
 */
export function presentedCredential(headers: CredentialHeaders): PresentedCredential {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const m = BEARER.exec(authorization);
    if (!m) throw AppException.unauthorized('Authorization must be "Bearer <token>"');
    const token = m[1]!;
    return token.startsWith('pat_') ? { kind: 'personal_token', token } : { kind: 'jwt', token };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    if (!apiKey.startsWith('nk_')) throw AppException.unauthorized('Invalid API key');
    return { kind: 'api_key', token: apiKey };
  }
  return null;
}

/** The bearer token of a request, for passport-jwt's `jwtFromRequest`. */
export function bearerToken(req: RequestWithHeaders): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization !== 'string') return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}
