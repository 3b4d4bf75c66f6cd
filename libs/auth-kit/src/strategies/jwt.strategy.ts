import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { LRUCache } from 'lru-cache';
import passport from 'passport';
import passportJwt from 'passport-jwt';
import { ALL_PLAN_TIERS, type PlanTier, type Principal, type Role } from '#common';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from '../auth-kit.options.js';
import { bearerToken, type RequestWithHeaders } from '../guards/credential-headers.js';
import { TokenRejected, TokenRules } from '../jwt/token-rules.js';
import { DEFERRED_REGISTRATION, KIT_STRATEGY_NAMES, type KitStrategyNames } from './strategy-names.js';

/**
 * RS256 access tokens through passport-jwt (jsonwebtoken underneath), with keys from the kit's
 * resolver (auth-svc's key store, or the remote JWKS) and auth-svc's one set of TokenRules.
 *
 * Verified tokens are remembered (a bounded LRU keyed by the token itself) until their `exp`, so a
 * client repeating its token costs one Map lookup instead of one RSA verify, and JwtAuthGuard answers
 * such a request without entering Passport at all (`verifiedPrincipal`). The revocation list is
 * consulted on every request, cached or not, so an ended session or deactivated user stops working as
 * soon as the list knows. Keying by the token rather than a hash of it: the cache holds only tokens
 * that verified, and a Map lookup on the string is cheaper than hashing it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(passportJwt.Strategy) implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly cache: LRUCache<string, Principal> | null;
  private readonly rules: TokenRules;

  constructor(
    @Inject(AUTH_KIT_OPTIONS) private readonly options: AuthKitOptions,
    @Inject(KIT_STRATEGY_NAMES) names: KitStrategyNames,
  ) {
    const rules = new TokenRules(options);
    super({
      jwtFromRequest: bearerToken,
      passReqToCallback: true,
      secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, key?: unknown) => void) => {
        Promise.resolve()
          .then(() => rules.keyIdOf(rawToken, 'access'))
          .then((kid) => options.keyResolver.getKey(kid))
          .then(
            (key) => (key ? done(null, key) : done(new TokenRejected('unknown signing key'))),
            (err: unknown) => done(TokenRejected.from(err)),
          );
      },
      algorithms: [...rules.verifyOptions.algorithms],
      issuer: rules.verifyOptions.issuer as string,
      audience: rules.verifyOptions.audience as string,
      jsonWebTokenOptions: rules.verifyOptions,
    } as passportJwt.StrategyOptionsWithRequest);
    this.rules = rules;
    const max = options.tokenCacheSize ?? 10_000;
    this.cache = max > 0 ? new LRUCache<string, Principal>({ max }) : null;
    passport.use(names.jwt, this);
  }

  getPassportInstance(): typeof passport {
    return DEFERRED_REGISTRATION;
  }

  // After every module is up (a boot that fails half-way leaves no poller behind).
  onApplicationBootstrap(): void {
    this.options.revocations?.start?.();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.options.revocations?.stop?.();
  }

  /**
   * The principal of a token verified before, still within its `exp` and not revoked since (with the
   * roles its user still holds, as on the full path); undefined otherwise (then the full check runs
   * and gives the precise refusal).
   */
  verifiedPrincipal(token: string): Principal | undefined {
    const hit = this.cache?.get(token);
    if (!hit || this.isRevoked(hit)) return undefined;
    return this.withCurrentRoles(hit);
  }

  // Runs on passport's per-request copy of the strategy (success/fail are bound to the request).
  override authenticate(req: RequestWithHeaders, options?: object): void {
    const token = bearerToken(req);
    const hit = token ? this.cache?.get(token) : undefined;
    if (!hit) return super.authenticate(req as never, options);
    if (this.isRevoked(hit)) return this.fail(new TokenRejected('revoked'), 401);
    this.success(this.withCurrentRoles(hit));
  }

  /** passport-jwt's verify callback, after signature, iss, aud, exp and nbf passed. */
  validate(req: RequestWithHeaders, payload: Record<string, unknown>): Principal {
    this.rules.checkClaims(payload, 'access');
    // Frozen: the same object serves every later request with this token.
    const principal = Object.freeze(toPrincipal(payload));
    // Until `exp` (lru-cache drops it then; a get never returns an expired entry).
    const ttl = principal.expiresAt! * 1000 - Date.now();
    if (ttl > 0) this.cache?.set(bearerToken(req)!, principal, { ttl });
    if (this.isRevoked(principal)) throw new TokenRejected('revoked');
    return this.withCurrentRoles(principal);
  }

  /** A token issued before its user lost roles holds only the roles the user still has (a demotion counts at once). */
  private withCurrentRoles(p: Principal): Principal {
    const roles = this.options.revocations?.currentRoles?.(p);
    return roles ? Object.freeze({ ...p, roles: Object.freeze(roles) as Role[] }) : p;
  }

  private isRevoked(p: Principal): boolean {
    return this.options.revocations?.isRevoked(p) ?? false;
  }
}

function toPrincipal(p: Record<string, unknown>): Principal {
  const planTier = ALL_PLAN_TIERS.includes(p.planTier as PlanTier) ? (p.planTier as PlanTier) : 'free';
  return {
    kind: 'access_token',
    userId: p.sub as string,
    tenantId: p.tenantId as string,
    ...(typeof p.email === 'string' ? { email: p.email } : {}),
    roles: Object.freeze([...(p.roles as Role[])]) as Role[],
    scopes: [],
    planTier,
    credentialId: p.jti as string,
    expiresAt: p.exp as number,
    issuedAt: p.iat as number,
    ...(typeof p.sid === 'string' ? { sessionId: p.sid } : {}),
  };
}
