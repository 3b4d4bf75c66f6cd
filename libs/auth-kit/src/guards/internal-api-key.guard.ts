import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual, hash } from 'node:crypto';
import { AppException, type Principal } from '#common';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from '../auth-kit.options.js';
import type { AuthenticatedRequest } from '../decorators/auth.decorators.js';

export const INTERNAL_API_KEY_HEADER = 'x-internal-api-key';

/** The internal key is a service, never a user: no tenant, no roles. */
export const INTERNAL_PRINCIPAL: Principal = Object.freeze({
  kind: 'internal',
  userId: null,
  tenantId: null,
  roles: [],
  scopes: [],
  planTier: 'free',
}) as Principal;

// crypto.hash: one call, no Hash object per request.
const digest = (s: string) => hash('sha256', s, 'buffer');

/**
 * Checks `x-internal-api-key` against every configured key in constant time: both sides are
 * hashed to equal length first, and every key is compared even after a match, so neither the
 * key's length nor its position in the list leaks through timing.
 */
@Injectable()
export class InternalApiKeyGuard implements CanActivate {
  private readonly keyDigests: Buffer[];

  constructor(@Inject(AUTH_KIT_OPTIONS) options: AuthKitOptions) {
    this.keyDigests = options.internalApiKeys.filter((k) => k.length > 0).map(digest);
  }

  matches(presented: unknown): boolean {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
    const d = digest(presented);
    let ok = false;
    for (const k of this.keyDigests) ok = timingSafeEqual(d, k) || ok;
    return ok;
  }

  /** Usable on its own with @UseGuards; the global CredentialAuthGuard runs it for @InternalOnly routes. */
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & { headers: Record<string, unknown> }>();
    if (!this.matches(req.headers[INTERNAL_API_KEY_HEADER])) {
      throw AppException.unauthorized('A valid internal API key (x-internal-api-key) is required');
    }
    req.principal = INTERNAL_PRINCIPAL;
    return true;
  }
}
