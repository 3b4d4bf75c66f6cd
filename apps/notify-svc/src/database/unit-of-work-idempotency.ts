import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyTransaction, Principal, SqlRunner } from '#common';
import { UnitOfWork } from './unit-of-work.js';

/**
 * An idempotent request runs inside the unit of work of its tenant (internal callers: maintenance),
 * which the use case's own writes join: the Idempotency-Key record commits with them.
 */
@Injectable()
export class UnitOfWorkIdempotency implements IdempotencyTransaction {
  constructor(private readonly uow: UnitOfWork) {}

  run<T>(req: FastifyRequest & { principal?: Principal | null }, fn: (q: SqlRunner) => Promise<T>): Promise<T> {
    const tenantId = req.principal?.tenantId;
    const inTx = (tx: { rows: SqlRunner }) => fn((sql, params) => tx.rows(sql, params));
    return tenantId ? this.uow.tenant(tenantId, inTx) : this.uow.maintenance(inTx);
  }
}
