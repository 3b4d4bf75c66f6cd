import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Where a request came from, for sessions and the audit trail. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export function requestMetaOf(req: { ip?: string; id?: string; headers: Record<string, string | string[] | undefined> }): RequestMeta {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: req.id ?? null,
  };
}

export const ClientMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMetaOf(ctx.switchToHttp().getRequest()),
);
