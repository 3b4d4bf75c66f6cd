import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException, type Principal } from '#common';
import { AUTH_KIT_OPTIONS, type AuthKitOptions } from '../auth-kit.options.js';
import type { AuthenticatedRequest } from '../decorators/auth.decorators.js';
import { AccessTokenVerifier } from '../jwt/access-token.verifier.js';
import { INTERNAL_API_KEY_HEADER, INTERNAL_PRINCIPAL, InternalApiKeyGuard } from './internal-api-key.guard.js';
import { routeAuth } from './route-auth.js';

type Req = AuthenticatedRequest & { headers: Record<string, string | string[] | undefined> };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Global authentication: every route needs a credential unless @Public. Access tokens (JWT),
 * personal access tokens (`Bearer pat_...`) and API keys (`X-API-Key: nk_...`) open ordinary
 * routes; only the internal key opens @InternalOnly routes, and it opens nothing else.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_KIT_OPTIONS) private readonly options: AuthKitOptions,
    private readonly verifier: AccessTokenVerifier,
    private readonly internalKey: InternalApiKeyGuard,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const route = routeAuth(this.reflector, ctx);
    const req = ctx.switchToHttp().getRequest<Req>();
    if (route.internalOnly) {
      if (!this.internalKey.matches(req.headers[INTERNAL_API_KEY_HEADER])) {
        throw AppException.unauthorized('A valid internal API key (x-internal-api-key) is required');
      }
      req.principal = INTERNAL_PRINCIPAL;
      return true;
    }
    if (route.isPublic) return true;
    req.principal = await this.authenticate(req.headers);
    return true;
  }

  /** The Principal of the request's credential; throws 401 when there is none or it is not valid. */
  async authenticate(headers: Req['headers']): Promise<Principal> {
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && authorization.length > 0) {
      const m = BEARER.exec(authorization);
      if (!m) throw AppException.unauthorized('Authorization must be "Bearer <token>"');
      const token = m[1]!;
      if (token.startsWith('pat_')) return this.introspect(token, 'personal_token');
      return this.verifier.verify(token);
    }
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      if (!apiKey.startsWith('nk_')) throw AppException.unauthorized('Invalid API key');
      return this.introspect(apiKey, 'api_key');
    }
    throw AppException.unauthorized();
  }

  private async introspect(token: string, hint: 'api_key' | 'personal_token'): Promise<Principal> {
    const what = hint === 'api_key' ? 'API key' : 'personal access token';
    if (!this.options.introspector || token.length > 512) throw AppException.unauthorized(`Invalid ${what}`);
    const p = await this.options.introspector.introspect(token, hint);
    // The kind must match the form it came in, so no credential can pass as another kind.
    if (!p || p.kind !== hint || !p.tenantId) throw AppException.unauthorized(`Invalid or revoked ${what}`);
    return p;
  }
}
