import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { AppException, Scope, type Principal, type Role } from '#common';

export const ROLES_KEY = 'auth:roles';
export const SCOPES_KEY = 'auth:scopes';
export const REQUIRED_SCOPES_KEY = 'auth:required-scopes';
export const INTERNAL_ONLY_KEY = 'auth:internal-only';

/**
 * Users need any one of these roles. API keys never pass on roles alone: see @Scopes. Swagger shows
 * the rule on each operation (`x-roles`); a method's decorator overrides its class's, as for the guard.
 */
export const Roles = (...roles: Role[]) => applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));
/** What an API key must hold (any one of them; `admin` holds all) to call this route (`x-api-key-scopes` in Swagger). */
export const Scopes = (...scopes: Scope[]) =>
  applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiExtension('x-api-key-scopes', { anyOf: scopes }));
/**
 * Scopes an API key must hold in addition to one of the route's @Scopes (every one of them; `admin`
 * holds all). Swagger: `x-api-key-scopes-required`.
 */
export const RequiredScopes = (...scopes: Scope[]) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPES_KEY, scopes), ApiExtension('x-api-key-scopes-required', { allOf: scopes }));
/**
 * The route sends (or lets through) notifications: an API key also needs notifications:send, whatever
 * else the route asks (issue 24: a templates:write key must not launch a campaign).
 */
export const SendsNotifications = () => RequiredScopes(Scope.NotificationsSend);
/** Only the internal key (x-internal-api-key) opens this route; user credentials are refused here. */
export const InternalOnly = () => SetMetadata(INTERNAL_ONLY_KEY, true);

export interface AuthenticatedRequest {
  principal?: Principal | null;
}

function principalOf(ctx: ExecutionContext): Principal {
  const p = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!p) throw AppException.unauthorized();
  return p;
}

/** The verified caller. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => principalOf(ctx));

/** The caller's tenant, from the verified credential only (never a header or body). */
export const CurrentTenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const p = principalOf(ctx);
  if (!p.tenantId) throw AppException.forbidden('This credential does not act for a tenant');
  return p.tenantId;
});
