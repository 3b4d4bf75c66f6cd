import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID, type KeyObject, hash } from 'node:crypto';
import {
  ACCESS_TOKEN_TYP,
  AppException,
  ErrorCode,
  REFRESH_TOKEN_TYP,
  type AccessTokenClaims,
  type PlanTier,
  type RefreshTokenClaims,
  type Role,
} from '#common';
import { TokenRejected, TokenRules, type JwtKind } from '#auth-kit';
import { AuditEventType } from '../audit/audit-event-types.js';
import { AuditService } from '../audit/audit.service.js';
import type { RequestMeta } from '../audit/request-meta.decorator.js';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { SigningKeyStore } from '../keys/signing-key.store.js';
import { RefreshReusePolicy } from '../sessions/refresh-reuse.policy.js';
import { SessionStore } from '../sessions/session.store.js';
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

/** Access tokens also carry the session id, so ending the session (or "every other session") reaches them. */
export type IssuedAccessClaims = AccessTokenClaims & { sid: string };

const WHAT: Record<JwtKind, string> = { access: 'access token', refresh: 'refresh token' };

/**
 * Issues and verifies access and refresh tokens (through @nestjs/jwt with the key store's
 * KeyObjects, under the kit's TokenRules) and keeps their sessions. Exported for every feature that
 * signs a user in (password login, Google sign-in, ...): `issuePair` is the one way in.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly rules: TokenRules,
    private readonly sessions: SessionStore,
    private readonly keys: SigningKeyStore,
    private readonly audit: AuditService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Starts a session for the user (in the open transaction, if any) and returns its first token pair. */
  async issuePair(user: TokenSubject, tenant: TokenTenant, meta: SessionMeta = {}): Promise<TokenPair> {
    const sid = randomUUID();
    const jti = randomUUID();
    // Whole seconds, as in the token's exp: the session ends exactly when its refresh token does.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const expiresAt = new Date(now + this.config.REFRESH_TOKEN_TTL * 1000);
    await this.sessions.start({
      id: sid,
      tenantId: user.tenantId,
      userId: user.id,
      tokenHash: hashId(jti),
      expiresAt,
      absoluteExpiresAt: new Date(now + this.config.REFRESH_TOKEN_MAX_AGE * 1000),
      userAgent: meta.userAgent ?? null,
      ip: meta.ip ?? null,
      method: meta.method ?? 'password',
    });
    return this.sign(user, tenant, sid, jti, expiresAt.getTime() / 1000);
  }

  /** Exchanges a refresh token for a new pair (single use). A retired token revokes its session. */
  async refresh(refreshToken: string, meta: Partial<RequestMeta> = {}): Promise<TokenPair> {
    const claims = await this.verifyRefreshToken(refreshToken);
    const oldHash = hashId(claims.jti);
    const jti = randomUUID();
    const row = await this.sessions.rotate(claims.sid, oldHash, hashId(jti), {
      ttlSeconds: this.config.REFRESH_TOKEN_TTL,
      reuseGraceSeconds: this.config.REFRESH_REUSE_GRACE_SECONDS,
      ip: meta.ip ?? null,
    });
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

  /** Verifies a refresh token's signature and claims under the TokenRules (not its session). Throws 401. */
  async verifyRefreshToken(token: string): Promise<RefreshTokenClaims> {
    try {
      return (await this.verify(token, 'refresh')) as unknown as RefreshTokenClaims;
    } catch (err) {
      throw TokenRejected.from(err).toException(WHAT.refresh);
    }
  }

  /** Claims of a token of the kind without throwing; null when it does not verify. For introspection and revocation. */
  async tryVerify(token: string, kind: JwtKind): Promise<Record<string, unknown> | null> {
    try {
      return await this.verify(token, kind);
    } catch {
      return null;
    }
  }

  /** The same rules, in the same order, as the kit's JwtStrategy: header, key, jsonwebtoken, claims. */
  private async verify(token: string, kind: JwtKind): Promise<Record<string, unknown>> {
    const kid = this.rules.keyIdOf(token, kind);
    let key = this.keys.lookup(kid);
    if (key === undefined) key = await this.keys.getKey(kid);
    if (!key) throw new TokenRejected('unknown signing key');
    // @nestjs/jwt types publicKey as string | Buffer; jsonwebtoken takes the parsed KeyObject as it is.
    const payload = this.jwt.verify<Record<string, unknown>>(token, { ...this.rules.verifyOptions, publicKey: key as unknown as Buffer });
    this.rules.checkClaims(payload, kind);
    return payload;
  }

  /** Why a validly signed refresh token was refused (RefreshReusePolicy); a reuse ends the session as theft. */
  private async explainRefused(claims: RefreshTokenClaims, oldHash: Buffer, meta: Partial<RequestMeta>): Promise<AppException> {
    const s = await this.sessions.state(claims.sid);
    switch (RefreshReusePolicy.refusal(s, oldHash)) {
      case 'ended':
        return AppException.unauthorized('The session has ended');
      case 'deactivated':
        return AppException.unauthorized('The account is deactivated');
      case 'expired':
        return AppException.unauthorized('The session has expired', ErrorCode.TOKEN_EXPIRED);
      case 'reused':
        if (await this.sessions.revokeInTenant(claims.sid, null, 'refresh_reuse')) {
          await this.audit.record({
            type: AuditEventType.RefreshReuseDetected,
            tenantId: s!.tenant_id,
            actorUserId: s!.user_id,
            targetUserId: s!.user_id,
            meta,
            details: { sessionId: claims.sid },
          });
        }
        return AppException.unauthorized('Refresh token already used; the session has been ended');
      case 'invalid':
        return AppException.unauthorized('Invalid refresh token');
    }
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
      this.signJwt(access, ACCESS_TOKEN_TYP, kid, privateKey),
      this.signJwt(refresh, REFRESH_TOKEN_TYP, kid, privateKey),
    ]);
    return { accessToken, refreshToken, expiresIn: ttl, tokenType: 'Bearer' };
  }

  private signJwt(claims: object, typ: string, kid: string, privateKey: KeyObject): Promise<string> {
    // iat and exp are in the claims already: no expiresIn, and jsonwebtoken keeps our iat.
    return this.jwt.signAsync(claims, { algorithm: 'RS256', keyid: kid, header: { alg: 'RS256', typ }, privateKey });
  }
}

/** Refresh tokens are stored only as the SHA-256 of their random id: a database dump yields no usable token. */
export function hashId(id: string): Buffer {
  return hash('sha256', id, 'buffer');
}
