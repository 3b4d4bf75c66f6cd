import { Injectable } from '@nestjs/common';
import type { PlanTier, Role } from '#common';
import { SessionStore } from '../sessions/session.store.js';
import { hashId, TokenService } from '../tokens/token.service.js';

export interface ActiveJwt {
  kind: 'access_token' | 'refresh_token';
  sub: string;
  tenantId: string;
  sid: string | null;
  jti: string;
  roles: Role[];
  email: string;
  planTier: PlanTier;
  iat: number;
  exp: number;
}

/**
 * Whether a JWT auth-svc issued is still good right now: signature and lifetime (TokenService), and
 * its session. An access token whose session was revoked (logout, /revoke, deactivation) reads as
 * inactive here even though a resource server verifying it offline accepts it until `exp`.
 */
@Injectable()
export class JwtCredentialChecker {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionStore,
  ) {}

  /** Signature, type and lifetime only: who the token names. Null when it does not verify. */
  async claims(token: string, preferRefresh = false): Promise<{ kind: ActiveJwt['kind']; claims: Record<string, unknown> } | null> {
    const order: Array<ActiveJwt['kind']> = preferRefresh ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
    for (const kind of order) {
      const claims = await this.tokens.tryVerify(token, kind === 'access_token' ? 'access' : 'refresh');
      if (claims && typeof claims.sub === 'string' && typeof claims.tenantId === 'string') return { kind, claims };
    }
    return null;
  }

  async active(token: string, preferRefresh = false): Promise<ActiveJwt | null> {
    const found = await this.claims(token, preferRefresh);
    if (!found) return null;
    const { kind, claims: c } = found;
    const sid = typeof c.sid === 'string' ? c.sid : null;
    const jti = typeof c.jti === 'string' ? c.jti : '';
    let roles = (Array.isArray(c.roles) ? c.roles : []) as Role[];
    let email = typeof c.email === 'string' ? c.email : '';
    let planTier = (typeof c.planTier === 'string' ? c.planTier : 'free') as PlanTier;
    if (sid) {
      const s = await this.sessions.standing(sid, hashId(jti));
      if (!s || s.revoked_at || !s.is_active) return null;
      if (kind === 'refresh_token') {
        if (!s.live || !s.current) return null;
        // A refresh token carries no roles: answer with the user's as they are now.
        roles = s.roles;
        email = s.email;
        planTier = s.plan_tier;
      }
    } else if (kind === 'refresh_token') {
      return null;
    }
    return {
      kind,
      sub: c.sub as string,
      tenantId: c.tenantId as string,
      sid,
      jti,
      roles,
      email,
      planTier,
      iat: typeof c.iat === 'number' ? c.iat : 0,
      exp: c.exp as number,
    };
  }
}
