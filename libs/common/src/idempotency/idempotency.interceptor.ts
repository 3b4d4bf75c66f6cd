import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, map, type Observable } from 'rxjs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception.js';
import { ErrorCode } from '../errors/error-codes.js';
import type { Principal } from '../auth/token-claims.js';
import { IdempotencyStore, type SqlRunner } from './idempotency.store.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/** Who the key belongs to: two callers using the same key never see each other's responses. */
export function idempotencyScope(req: FastifyRequest & { principal?: Principal | null }): string {
  const p = req.principal;
  if (p) return `${p.kind}:${p.tenantId ?? '-'}:${p.userId ?? p.credentialId ?? '-'}`;
  return `anon:${req.ip}`;
}

/** What makes two requests "the same": method, path with query, and the parsed body. */
export function idempotencyRequestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method, url, body ?? null]))
    .digest('base64url');
}

/**
 * The transaction an idempotent request runs in. The service provides it (IDEMPOTENCY_TRANSACTION):
 * the handler's own writes must join it, so the record and the work commit together.
 */
export interface IdempotencyTransaction {
  run<T>(req: FastifyRequest & { principal?: Principal | null }, fn: (q: SqlRunner) => Promise<T>): Promise<T>;
}
export const IDEMPOTENCY_TRANSACTION = Symbol('IDEMPOTENCY_TRANSACTION');

/**
 * `Idempotency-Key` on POST: the first request runs and its status and body are kept; the same
 * key with the same request replays them (header `Idempotent-Replayed: true`), with another
 * request is 422 IDEMPOTENCY_KEY_REUSED, and while the first still runs is 409. The record is
 * written in the request's own transaction: a failed request leaves no record, a committed one
 * always has it.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(IDEMPOTENCY_TRANSACTION) private readonly transaction: IdempotencyTransaction,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: Principal | null }>();
    if (req.method !== 'POST') return next.handle();
    const key = req.headers[IDEMPOTENCY_KEY_HEADER];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_SHAPE.test(key)) {
      throw AppException.validation('Invalid Idempotency-Key', [
        { field: 'Idempotency-Key', messages: ['must be 1 to 255 printable ASCII characters'] },
      ]);
    }
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const scope = idempotencyScope(req);
    const hash = idempotencyRequestHash(req.method, req.url, req.body);
    const status: number = Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;
    const work = this.transaction.run(req, async (q) => {
      const found = await this.store.find(q, scope, key);
      if (found.kind === 'in_flight') {
        throw new AppException(ErrorCode.IDEMPOTENCY_IN_FLIGHT, 'A request with this Idempotency-Key is still in progress', 409);
      }
      if (found.kind === 'done') {
        if (found.requestHash !== hash) {
          throw AppException.unprocessable(
            'This Idempotency-Key was already used with a different request',
            undefined,
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
          );
        }
        return { replayed: true, status: found.status, body: found.body };
      }
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Stored as JSON, so a replay returns exactly what the client saw the first time.
      const json: unknown = body === undefined ? null : JSON.parse(JSON.stringify(body));
      await this.store.save(q, scope, key, hash, status, json);
      return { replayed: false, status, body: json };
    });
    return from(work).pipe(
      map((r) => {
        if (r.replayed) reply.status(r.status).header(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return r.body;
      }),
    );
  }
}

/**
 * Marks a POST route as honouring Idempotency-Key. Bound per route, not globally: a global Nest
 * interceptor would tax every GET too (~40% of a cheap route's throughput on this machine).
 */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
