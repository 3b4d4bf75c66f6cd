import type { PlanTier, Role, Scope } from './roles.js';

export const ACCESS_TOKEN_TYP = 'at+jwt';
export const REFRESH_TOKEN_TYP = 'refresh+jwt';

/** Claims of an RS256 access token issued by auth-svc. */
export interface AccessTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  tenantId: string;
  email: string;
  roles: Role[];
  planTier: PlanTier;
  iat: number;
  exp: number;
  nbf?: number;
  jti: string;
}

/** Claims of a refresh token: bound to a session (`sid`). */
export interface RefreshTokenClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  tenantId: string;
  sid: string;
  iat: number;
  exp: number;
  jti: string;
}

export type CredentialKind = 'access_token' | 'api_key' | 'personal_token' | 'internal' | 'topic_token';

/** Who is calling, as every guard and use case sees it. The tenant comes only from here. */
export interface Principal {
  kind: CredentialKind;
  /** The user; null for an API key (it acts for its tenant) and the internal key. */
  userId: string | null;
  /** Null only for the internal key, which is never a tenant member. */
  tenantId: string | null;
  email?: string;
  roles: Role[];
  /** API keys: the scopes granted. Empty for users (their roles decide). */
  scopes: Scope[];
  planTier: PlanTier;
  /** jti of the access token, id of the key or personal token. */
  credentialId?: string;
  /** Seconds since epoch; when the credential stops being valid. */
  expiresAt?: number;
  /** Access tokens: the session they belong to (`sid`), so ending the session ends them. */
  sessionId?: string;
  /** Access tokens: `iat`, so a user's deactivation refuses every token issued before it. */
  issuedAt?: number;
  /** Topic tokens: the one topic they open, and for what. They open nothing else. */
  topic?: { id: string; access: 'read' | 'write' | 'read_write'; expiresAtMs?: number };
}
