import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AppException, type Principal } from '#common';
import type { AuthenticatedRequest } from '../decorators/auth.decorators.js';
import { TokenRejected } from '../jwt/token-rules.js';
import { JwtStrategy } from '../strategies/jwt.strategy.js';
import { bearerToken, type RequestWithHeaders } from './credential-headers.js';
import { KIT_STRATEGY_NAMES, type KitStrategyNames } from '../strategies/strategy-names.js';

/** passport's options for the kit's guards: the Principal goes to `req.principal`, no sessions. */
const kitGuardOptions = (strategy: string) => ({ defaultStrategy: strategy, property: 'principal', session: false });

/**
 * An RS256 access token in `Authorization: Bearer`, through the kit's JwtStrategy. Fast path: a token
 * the strategy verified before (still unexpired, not revoked since) is answered from its cache
 * without entering Passport (its per-request closures and promise were most of a cached request's
 * authentication cost); any other token takes the full Passport check.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard() {
  // The strategy's name is per kit instance (see nextStrategyNames), hence defaultStrategy, not AuthGuard('jwt').
  constructor(
    @Inject(KIT_STRATEGY_NAMES) names: KitStrategyNames,
    private readonly strategy: JwtStrategy,
  ) {
    super(kitGuardOptions(names.jwt));
  }

  override canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    return this.activate(ctx, bearerToken(ctx.switchToHttp().getRequest<RequestWithHeaders>()));
  }

  /**
   * canActivate for a caller that has read the bearer token already (CredentialAuthGuard, from
   * presentedCredential): the header of a ~900-byte token is parsed once a request, not twice.
   */
  activate(ctx: ExecutionContext, token: string | null): boolean | Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const known = token ? this.strategy.verifiedPrincipal(token) : undefined;
    if (known) {
      req.principal = known;
      return true;
    }
    return super.canActivate(ctx) as Promise<boolean>;
  }

  override handleRequest<T = Principal>(err: unknown, user: unknown, info: unknown): T {
    if (user) return user as T;
    const cause = err ?? info;
    if (cause instanceof AppException) throw cause;
    throw TokenRejected.from(cause).toException('access token');
  }
}

/** An API key (`X-API-Key`) or personal access token (`Bearer pat_...`), through the kit's ApiKeyStrategy. */
@Injectable()
export class ApiKeyAuthGuard extends AuthGuard() {
  constructor(@Inject(KIT_STRATEGY_NAMES) names: KitStrategyNames) {
    super(kitGuardOptions(names.apiKey));
  }

  override handleRequest<T = Principal>(err: unknown, user: unknown): T {
    if (user) return user as T;
    if (err instanceof AppException) throw err;
    // A failure of the introspector itself (auth-svc unreachable) is not the caller's fault.
    if (err) throw err;
    throw AppException.unauthorized();
  }
}
