import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { metaOf, type EnvelopeRequest } from '../http/request-context.js';
import { Page, type Envelope } from './envelope.js';
import { RAW_RESPONSE } from './raw-response.decorator.js';

@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const raw = this.reflector.getAllAndOverride<boolean>(RAW_RESPONSE, [context.getHandler(), context.getClass()]);
    if (raw) return next.handle();
    const req = context.switchToHttp().getRequest<EnvelopeRequest>();
    return next.handle().pipe(map((body: unknown) => wrap(body, req)));
  }
}

export function wrap(body: unknown, req: EnvelopeRequest): Envelope<unknown> {
  if (body instanceof Page) {
    return {
      data: body.items,
      error: null,
      page: { next_cursor: body.nextCursor, has_more: body.nextCursor !== null, limit: body.limit },
      meta: metaOf(req),
    };
  }
  return { data: body === undefined ? null : body, error: null, meta: metaOf(req) };
}
