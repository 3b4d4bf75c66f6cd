import { Inject, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AppException, type Principal } from '#common';
import { TokenRejected } from '../jwt/token-rules.js';
import { KIT_STRATEGY_NAMES, type KitStrategyNames } from '../strategies/strategy-names.js';

/** passport's options for the kit's guards: the Principal goes to `req.principal`, no sessions. */
const kitGuardOptions = (strategy: string) => ({ defaultStrategy: strategy, property: 'principal', session: false });

/** An RS256 access token in `Authorization: Bearer`, through the kit's JwtStrategy. */
@Injectable()
export class JwtAuthGuard extends AuthGuard() {
  // The strategy's name is per kit instance (see nextStrategyNames), hence defaultStrategy, not AuthGuard('jwt').
  constructor(@Inject(KIT_STRATEGY_NAMES) names: KitStrategyNames) {
    super(kitGuardOptions(names.jwt));
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
