import { isUuid } from '#common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * The session (`sid`) of the caller's access token, or null (API keys, personal tokens). The
 * global guard has already verified the token, so its payload is only read here.
 */
export const CurrentSessionId = createParamDecorator((_: unknown, ctx: ExecutionContext): string | null => {
  const req = ctx.switchToHttp().getRequest<{ principal?: { kind?: string }; headers: Record<string, unknown> }>();
  if (req.principal?.kind !== 'access_token') return null;
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return null;
  const payload = auth.replace(/^Bearer\s+/i, '').split('.')[1];
  if (!payload) return null;
  try {
    const sid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown }).sid;
    return isUuid(sid) ? sid : null;
  } catch {
    return null;
  }
});
