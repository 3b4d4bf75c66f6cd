import { isUuid, type Principal } from '#common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The session (`sid`) of the caller's access token, or null (API keys, personal tokens). Read from
 * the principal the global guard set after verifying the token: one authentication pass per
 * request, no second decode of the JWT here.
 */
export const CurrentSessionId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  const p = ctx.switchToHttp().getRequest<{ principal?: Principal | null }>().principal;
  if (p?.kind !== 'access_token') return null;
  return isUuid(p.sessionId) ? p.sessionId : null;
});
