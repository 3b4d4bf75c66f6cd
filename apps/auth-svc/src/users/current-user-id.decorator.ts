import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppException, type Principal } from '#common';

/** The calling user's id; 403 for credentials that act for a tenant rather than a user (API keys). */
export const CurrentUserId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const p = ctx.switchToHttp().getRequest<{ principal?: Principal | null }>().principal;
  if (!p) throw AppException.unauthorized();
  if (!p.userId) throw AppException.forbidden('This credential does not act for a user');
  return p.userId;
});
