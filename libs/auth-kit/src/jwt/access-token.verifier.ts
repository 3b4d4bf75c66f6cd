import { createHash } from 'node:crypto';
import passportJwt from 'passport-jwt';
import { ACCESS_TOKEN_TYP, ALL_PLAN_TIERS, AppException, ErrorCode, type PlanTier, type Principal, type Role } from '#common';
import { ExpiringLruCache } from '../cache/lru-cache.js';
import type { AuthKitOptions } from '../auth-kit.options.js';

const { Strategy: JwtStrategy } = passportJwt;

interface JwtHeader {
  alg?: unknown;
  typ?: unknown;
  kid?: unknown;
}

class TokenRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

function decodeHeader(token: string): JwtHeader {
  const dot = token.indexOf('.');
  if (dot <= 0) throw new TokenRejected('not a JWT');
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    if (!header || typeof header !== 'object') throw new Error('shape');
    return header as JwtHeader;
  } catch {
    throw new TokenRejected('malformed header');
  }
}

function isAccessTokenTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const t = typ.toLowerCase();
  return t === ACCESS_TOKEN_TYP || t === `application/${ACCESS_TOKEN_TYP}`;
}

/**
 * Verifies RS256 access tokens with passport-jwt (jsonwebtoken underneath) against keys from the
 * resolver. The strategy is used directly rather than through passport's global registry, so two
 * services booted in one process (tests) never overwrite each other's strategy.
 *
 * Only `kid` is read from the header to find a key: `jku`, `x5u` and `jwk` are never followed, so a
 * token cannot bring its own key. Verified tokens are remembered by hash until their `exp`, so a
 * client repeating its token costs one SHA-256 instead of one RSA verify.
 */
export class AccessTokenVerifier {
  private readonly strategy: InstanceType<typeof JwtStrategy>;
  private readonly cache: ExpiringLruCache<Principal>;

  constructor(private readonly options: AuthKitOptions) {
    this.cache = new ExpiringLruCache<Principal>(options.tokenCacheSize ?? 10_000);
    this.strategy = new JwtStrategy(
      {
        jwtFromRequest: (req: { token: string }) => req.token,
        secretOrKeyProvider: (_req: unknown, rawToken: string, done: (err: unknown, key?: unknown) => void) => {
          this.keyFor(rawToken).then(
            (key) => done(null, key),
            (err: unknown) => done(err),
          );
        },
        algorithms: ['RS256'],
        issuer: options.issuer,
        audience: options.audience,
        jsonWebTokenOptions: { clockTolerance: options.clockToleranceSeconds ?? 30 },
      } as passportJwt.StrategyOptionsWithoutRequest,
      (payload: Record<string, unknown>, done: (err: unknown, user?: unknown, info?: unknown) => void) => {
        try {
          done(null, toPrincipal(payload));
        } catch (err) {
          done(null, false, err);
        }
      },
    );
  }

  async verify(token: string): Promise<Principal> {
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    // Frozen: the same object serves every later request with this token.
    const principal = Object.freeze(await this.runStrategy(token));
    this.cache.set(cacheKey, principal, (principal.expiresAt ?? 0) * 1000);
    return principal;
  }

  private async keyFor(token: string) {
    const header = decodeHeader(token);
    if (header.alg !== 'RS256') throw new TokenRejected('algorithm not allowed');
    if (!isAccessTokenTyp(header.typ)) throw new TokenRejected('not an access token');
    if (typeof header.kid !== 'string' || !header.kid || header.kid.length > 200) throw new TokenRejected('missing kid');
    const key = await this.options.keyResolver.getKey(header.kid);
    if (!key) throw new TokenRejected('unknown signing key');
    return key;
  }

  private runStrategy(token: string): Promise<Principal> {
    return new Promise<Principal>((resolve, reject) => {
      // What passport.authenticate does: a per-request object inheriting the strategy, with the
      // three outcome callbacks attached.
      const attempt = Object.create(this.strategy) as {
        success: (user: Principal) => void;
        fail: (info?: unknown) => void;
        error: (err: unknown) => void;
        authenticate: (req: unknown, opts: unknown) => void;
      };
      attempt.success = (user) => resolve(user);
      attempt.fail = (info) => reject(toAuthError(info));
      attempt.error = (err) => reject(toAuthError(err));
      attempt.authenticate({ token }, {});
    });
  }
}

function toAuthError(info: unknown): AppException {
  if (info instanceof AppException) return info;
  if ((info as { name?: string } | undefined)?.name === 'TokenExpiredError') {
    return AppException.unauthorized('Access token has expired', ErrorCode.TOKEN_EXPIRED);
  }
  return AppException.unauthorized('Invalid access token');
}

function toPrincipal(p: Record<string, unknown>): Principal {
  const ok =
    typeof p.sub === 'string' &&
    typeof p.tenantId === 'string' &&
    typeof p.exp === 'number' &&
    Array.isArray(p.roles) &&
    p.roles.every((r) => typeof r === 'string');
  if (!ok) throw new TokenRejected('missing claims');
  const planTier = ALL_PLAN_TIERS.includes(p.planTier as PlanTier) ? (p.planTier as PlanTier) : 'free';
  return {
    kind: 'access_token',
    userId: p.sub as string,
    tenantId: p.tenantId as string,
    ...(typeof p.email === 'string' ? { email: p.email } : {}),
    roles: Object.freeze([...(p.roles as Role[])]) as Role[],
    scopes: [],
    planTier,
    ...(typeof p.jti === 'string' ? { credentialId: p.jti } : {}),
    expiresAt: p.exp as number,
  };
}
