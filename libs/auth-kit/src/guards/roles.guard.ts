import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException, Scope, type Principal } from '#common';
import type { AuthenticatedRequest } from '../decorators/auth.decorators.js';
import { routeAuth } from './route-auth.js';

/**
 * Authorisation after authentication. Users (access tokens, personal tokens) need one of the
 * route's @Roles; API keys need one of its @Scopes and every one of its @RequiredScopes (`admin`
 * holds every scope), and a route that lists roles but no scopes is closed to API keys.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const route = routeAuth(this.reflector, ctx);
    if (route.internalOnly) return true;
    const p = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!p) {
      if (route.isPublic) return true;
      throw AppException.unauthorized();
    }
    if (p.kind === 'internal') throw AppException.forbidden();
    if (p.kind === 'api_key') {
      if (!route.scopes && !route.requiredScopes) {
        if (route.roles) throw AppException.forbidden('API keys cannot call this route');
        return true;
      }
      if (route.scopes && !route.scopes.some((s) => holdsScope(p, s))) {
        throw AppException.forbidden(`This API key needs one of the scopes: ${route.scopes.join(', ')}`);
      }
      const missing = route.requiredScopes?.filter((s) => !holdsScope(p, s)) ?? [];
      if (missing.length) throw AppException.forbidden(`This API key also needs the scopes: ${missing.join(', ')}`);
      return true;
    }
    if (route.roles && !route.roles.some((r) => p.roles.includes(r))) {
      throw AppException.forbidden(`This needs one of the roles: ${route.roles.join(', ')}`);
    }
    return true;
  }
}

/** Whether an API key holds a scope: `admin` holds every one. The one place this rule is written. */
export function holdsScope(p: Pick<Principal, 'scopes'>, scope: Scope): boolean {
  return p.scopes.includes(Scope.Admin) || p.scopes.includes(scope);
}
