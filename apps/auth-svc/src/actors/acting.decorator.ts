import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException, type Principal, type Role } from '#common';
import { routeAuth } from '#auth-kit';

/** Who calls a write route, and which roles the route asked for: checked again in the write's transaction. */
export interface Actor {
  principal: Principal;
  /** One of these must still be held now (the route's @Roles); undefined when the route names none. */
  routeRoles?: Role[];
}

const reflector = new Reflector();

/**
 * The calling credential as an Actor for ActingUserPolicy. The guards checked the credential from
 * the token and a revocation list; a write re-checks the caller's state in the database, inside its
 * transaction (ActingUserPolicy.lock), so a deactivation or demotion committed a moment earlier counts.
 */
export const Acting = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal | null }>().principal;
  if (!principal || !principal.tenantId) throw AppException.unauthorized();
  const roles = routeAuth(reflector, ctx).roles;
  return roles ? { principal, routeRoles: roles } : { principal };
});
