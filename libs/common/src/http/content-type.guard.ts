import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception.js';
import { ErrorCode } from '../errors/error-codes.js';

/** Where `@ApiConsumes()` of @nestjs/swagger keeps its media types (not exported by the package). */
const API_CONSUMES = 'swagger/apiConsumes';

function mediaType(header: string): string {
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/**
 * A body is JSON unless the route says otherwise with `@ApiConsumes(...)`: the documented media
 * types are the accepted ones, so the OpenAPI document cannot promise what the route refuses. Fastify
 * parses forms and text/plain for every route of an app; only RFC 7662/7009 routes declare forms.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector = new Reflector()) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['content-type'];
    if (!header || req.body === undefined) return true;
    const type = mediaType(header);
    if (type === 'application/json') return true;
    const declared = this.reflector.getAllAndOverride<string[] | undefined>(API_CONSUMES, [ctx.getHandler(), ctx.getClass()]);
    if (declared?.some((d) => mediaType(d) === type)) return true;
    throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported content type; send application/json', 415);
  }
}
