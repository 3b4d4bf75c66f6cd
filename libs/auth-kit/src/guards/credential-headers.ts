import { AppException } from '#common';

export type CredentialHeaders = Record<string, string | string[] | undefined>;
export interface RequestWithHeaders {
  headers: CredentialHeaders;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export type PresentedCredential =
  { kind: 'jwt'; token: string } | { kind: 'api_key' | 'personal_token' | 'topic_token'; token: string } | null;

/** Topic access tokens (`tk_`): valid on their topic's publish and subscribe routes only. */
export const TOPIC_TOKEN_PREFIX = 'tk_';

/**
 * Which credential a request brings: `Authorization: Bearer <JWT>`, `Authorization: Bearer pat_...`
 * `X-API-Key: nk_...`, or a topic token (`Authorization: Bearer tk_...` or `X-Topic-Token`); Authorization
 * wins when several are sent. Null when it brings none;
 * throws 401 for a malformed one.
 */
export function presentedCredential(headers: CredentialHeaders): PresentedCredential {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    const m = BEARER.exec(authorization);
    if (!m) throw AppException.unauthorized('Authorization must be "Bearer <token>"');
    const token = m[1]!;
    if (token.startsWith(TOPIC_TOKEN_PREFIX)) return { kind: 'topic_token', token };
    return token.startsWith('pat_') ? { kind: 'personal_token', token } : { kind: 'jwt', token };
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) {
    if (!apiKey.startsWith('nk_')) throw AppException.unauthorized('Invalid API key');
    return { kind: 'api_key', token: apiKey };
  }
  const topicToken = headers['x-topic-token'];
  if (typeof topicToken === 'string' && topicToken.length > 0) return { kind: 'topic_token', token: topicToken };
  return null;
}

/** The bearer token of a request, for passport-jwt's `jwtFromRequest`. */
export function bearerToken(req: RequestWithHeaders): string | null {
  const authorization = req.headers.authorization;
  if (typeof authorization !== 'string') return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}
