import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppException, type Principal, type Role, type Scope } from '#common';

export const ROLES_KEY = 'auth:roles';
export const SCOPES_KEY = 'auth:scopes';
export const INTERNAL_ONLY_KEY = 'auth:internal-only';

/** Users need any one of these roles. API keys never pass on roles alone: see @Scopes. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** What an API key must hold (any one of them; `admin` holds all) to call this route. */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
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
