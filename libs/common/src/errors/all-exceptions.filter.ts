import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ENVELOPED } from '../envelope/envelope.hook.js';
import { metaOf, type EnvelopeRequest } from '../http/request-context.js';
import { toErrorResponse } from './to-error-response.js';

/** Sends any error in the envelope with its stable code. Never a stack trace. */
export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const mapped = toErrorResponse(err);
  if (mapped.internal) req.log.error({ reqId: req.id, err }, 'request failed');
  else req.log.debug({ reqId: req.id, code: mapped.body.code }, 'request rejected');
  if (reply.sent) return;
  if (mapped.headers) reply.headers(mapped.headers);
  reply
    .status(mapped.status)
    .type('application/json; charset=utf-8')
    .send({ data: null, error: mapped.body, meta: metaOf(req as unknown as EnvelopeRequest), [ENVELOPED]: true });
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
