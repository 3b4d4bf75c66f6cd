import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ACCESS_TOKEN_TYP,
  AppException,
  ErrorCode,
  REFRESH_TOKEN_TYP,
  queryRows,
  type AccessTokenClaims,
  type PlanTier,
  type RefreshTokenClaims,
  type Role,
  isUuid,
} from '#common';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { SigningKeyStore } from '../keys/signing-key.store.js';
import { decodeJwt, signJwtAsync, verifySignature, type DecodedJwt } from './jwt.js';
import type { TokenPair } from './token-pair.js';

/** What a token says about its user: the subset of User and Tenant a token needs. */
export interface TokenSubject {
  id: string;
  tenantId: string;
  email: string;
  roles: Role[];
}
export interface TokenTenant {
  id: string;
  planTier: PlanTier;
}
export interface SessionMeta extends Partial<RequestMeta> {
  /** How the session began (password, google, ...), shown in the session list. */
  method?: string;
}

/** Access tokens also carry the session id, so "end every other session" knows which one is the caller's. */
export type IssuedAccessClaims = AccessTokenClaims & { sid?: string };

// One statement decides a refresh: the session's current token (or, within the grace period, the
// one it just replaced) is swapped for the new one. Concurrent refreshes with one token queue on the
// row lock; the second re-checks the WHERE against the updated row and matches nothing.
const ROTATE_SQL = `
  UPDATE sessions s SET
    previous_token_hash = CASE WHEN s.current_token_hash = $2 THEN s.current_token_hash ELSE s.previous_token_hash END,
    rotated_at = CASE WHEN s.current_token_hash = $2 THEN now() ELSE s.rotated_at END,
    current_token_hash = $3,
    last_used_at = now(),
    ip = COALESCE($6, s.ip),
    expires_at = LEAST(now() + make_interval(secs => $4), s.absolute_expires_at)
  FROM users u JOIN tenants t ON t.id = u.tenant_id
  WHERE s.id = $1 AND u.id = s.user_id AND u.is_active
    AND s.revoked_at IS NULL AND s.expires_at > now() AND s.absolute_expires_at > now()
    AND (s.current_token_hash = $2
         OR ($5 > 0 AND s.previous_token_hash = $2 AND s.rotated_at > now() - make_interval(secs => $5)))
  RETURNING s.expires_at, u.id AS user_id, u.tenant_id, u.email, u.roles, t.plan_tier`;

/**
 * Issues and verifies access and refresh tokens and keeps their sessions. Exported for every
 * feature that signs a user in (password login, Google sign-in, ...): `issuePair` is the one way in.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: SigningKeyStore,
    private readonly audit: AuditService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Starts a session for the user and returns its first token pair. */
  async issuePair(
    user: TokenSubject,
    tenant: TokenTenant,
    meta: SessionMeta = {},
    em: EntityManager = this.dataSource.manager,
  ): Promise<TokenPair> {
    const sid = randomUUID();
    const jti = randomUUID();
    const now = Date.now();
    const expiresAt = new Date(now + this.config.REFRESH_TOKEN_TTL * 1000);
    const absoluteExpiresAt = new Date(now + this.config.REFRESH_TOKEN_MAX_AGE * 1000);
    await em.query(
      `INSERT INTO sessions (id, tenant_id, user_id, current_token_hash, expires_at, absolute_expires_at, user_agent, ip, method)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        sid,
        user.tenantId,
        user.id,
        hashId(jti),
        expiresAt,
        absoluteExpiresAt,
        meta.userAgent ?? null,
        meta.ip ?? null,
        meta.method ?? 'password',
      ],
    );
    return this.sign(user, tenant, sid, jti, Math.floor(expiresAt.getTime() / 1000));
  }

  /** Exchanges a refresh token for a new pair (single use). A retired token revokes its session. */
  async refresh(refreshToken: string, meta: Partial<RequestMeta> = {}): Promise<TokenPair> {
    const claims = await this.verifyRefreshToken(refreshToken);
    const oldHash = hashId(claims.jti);
    const jti = randomUUID();
    const rows = await queryRows<{
      expires_at: Date;
      user_id: string;
      tenant_id: string;
      email: string;
      roles: Role[];
      plan_tier: PlanTier;
    }>(this.dataSource, ROTATE_SQL, [
      claims.sid,
      oldHash,
      hashId(jti),
      this.config.REFRESH_TOKEN_TTL,
      this.config.REFRESH_REUSE_GRACE_SECONDS,
      meta.ip ?? null,
    ]);
    const row = rows[0];
    if (row) {
      return this.sign(
        { id: row.user_id, tenantId: row.tenant_id, email: row.email, roles: row.roles },
        { id: row.tenant_id, planTier: row.plan_tier },
        claims.sid,
        jti,
        Math.floor(new Date(row.expires_at).getTime() / 1000),
      );
    }
    throw await this.explainRefused(claims, oldHash, meta);
  }

  /** Verifies a refresh token's signature, type and lifetime (not its session). Throws 401. */
  async verifyRefreshToken(token: string): Promise<RefreshTokenClaims> {
    const payload = await this.verify(token, REFRESH_TOKEN_TYP, 'refresh token');
    if (!isUuid(payload.sid) || typeof payload.jti !== 'string') {
      throw AppException.unauthorized('Invalid refresh token');
    }
    return payload as unknown as RefreshTokenClaims;
  }

  /** Verifies an access token (signature, typ, iss, aud, exp). Throws 401. */
  async verifyAccessToken(token: string): Promise<IssuedAccessClaims> {
    return (await this.verify(token, ACCESS_TOKEN_TYP, 'access token')) as unknown as IssuedAccessClaims;
  }

  /** Claims of a token without throwing; null when it does not verify. For introspection. */
  async tryVerify(token: string, kind: 'access_token' | 'refresh_token'): Promise<Record<string, unknown> | null> {
    try {
      return await this.verify(token, kind === 'access_token' ? ACCESS_TOKEN_TYP : REFRESH_TOKEN_TYP, kind);
    } catch {
      return null;
    }
  }

  private async verify(token: string, typ: string, what: string): Promise<Record<string, unknown>> {
    const jwt = decodeJwt(token);
    if (!jwt || jwt.header.alg !== 'RS256' || jwt.header.typ !== typ || typeof jwt.header.kid !== 'string') {
      throw AppException.unauthorized(`Invalid ${what}`);
    }
    let key = this.keys.lookup(jwt.header.kid);
    if (key === undefined) key = await this.keys.getKey(jwt.header.kid);
    if (!key || !verifySignature(jwt, key)) throw AppException.unauthorized(`Invalid ${what}`);
    this.checkClaims(jwt, what);
    return jwt.payload;
  }

  private checkClaims(jwt: DecodedJwt, what: string): void {
    const p = jwt.payload;
    const audOk = Array.isArray(p.aud) ? p.aud.includes(this.config.AUTH_AUDIENCE) : p.aud === this.config.AUTH_AUDIENCE;
    if (p.iss !== this.config.AUTH_ISSUER || !audOk || typeof p.sub !== 'string' || typeof p.exp !== 'number') {
      throw AppException.unauthorized(`Invalid ${what}`);
    }
    if (p.exp * 1000 <= Date.now()) throw AppException.unauthorized(`The ${what} has expired`, ErrorCode.TOKEN_EXPIRED);
  }

  /** Why a validly signed refresh token was refused; a retired token of a live session means theft. */
  private async explainRefused(claims: RefreshTokenClaims, oldHash: Buffer, meta: Partial<RequestMeta>): Promise<AppException> {
    const rows: Array<{
      user_id: string;
      tenant_id: string;
      revoked_at: Date | null;
      current_token_hash: Buffer;
      live: boolean;
      is_active: boolean;
    }> = await this.dataSource.query(
      `SELECT s.user_id, s.tenant_id, s.revoked_at, s.current_token_hash,
                (s.expires_at > now() AND s.absolute_expires_at > now()) AS live, u.is_active
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [claims.sid],
    );
    const s = rows[0];
    if (!s || s.revoked_at) return AppException.unauthorized('The session has ended');
    if (!s.is_active) return AppException.unauthorized('The account is deactivated');
    if (!s.live) return AppException.unauthorized('The session has expired', ErrorCode.TOKEN_EXPIRED);
    if (!s.current_token_hash.equals(oldHash)) {
      const revoked = await queryRows(
        this.dataSource,
        `UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh_reuse' WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [claims.sid],
      );
      if (revoked.length) {
        await this.audit.record({
          type: AuditEventType.RefreshReuseDetected,
          tenantId: s.tenant_id,
          actorUserId: s.user_id,
          targetUserId: s.user_id,
          meta,
          details: { sessionId: claims.sid },
        });
      }
      return AppException.unauthorized('Refresh token already used; the session has been ended');
    }
    return AppException.unauthorized('Invalid refresh token');
  }

  private async sign(user: TokenSubject, tenant: TokenTenant, sid: string, refreshJti: string, refreshExp: number): Promise<TokenPair> {
    const { kid, privateKey } = this.keys.signingKey();
    const iat = Math.floor(Date.now() / 1000);
    const ttl = this.config.ACCESS_TOKEN_TTL;
    const access: IssuedAccessClaims = {
      iss: this.config.AUTH_ISSUER,
      aud: this.config.AUTH_AUDIENCE,
      sub: user.id,
      tenantId: user.tenantId,
      email: user.email,
      roles: user.roles,
      planTier: tenant.planTier,
      iat,
      exp: iat + ttl,
      jti: randomUUID(),
      sid,
    };
    const refresh: RefreshTokenClaims = {
      iss: this.config.AUTH_ISSUER,
      aud: this.config.AUTH_AUDIENCE,
      sub: user.id,
      tenantId: user.tenantId,
      sid,
      iat,
      exp: refreshExp,
      jti: refreshJti,
    };
    const [accessToken, refreshToken] = await Promise.all([
      signJwtAsync({ alg: 'RS256', kid, typ: ACCESS_TOKEN_TYP }, access, privateKey),
      signJwtAsync({ alg: 'RS256', kid, typ: REFRESH_TOKEN_TYP }, refresh, privateKey),
    ]);
    return { accessToken, refreshToken, expiresIn: ttl, tokenType: 'Bearer' };
  }
}

/** Refresh tokens are stored only as the SHA-256 of their random id: a database dump yields no usable token. */
export function hashId(id: string): Buffer {
  return createHash('sha256').update(id).digest();
}
