import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';
import { AmbientTransaction, asQueryFailed, queryRows } from '#common';

/**
 * Where auth-svc's statements run: a TypeORM EntityManager, for entity work (`repo`) and
 * bound-parameter SQL (`rows`, `one`). Inside `UnitOfWork.run` it is that transaction; outside,
 * `UnitOfWork.db` is the pool and each statement commits on its own.
 */
export class Tx {
  constructor(readonly manager: EntityManager) {}

  /** True inside `UnitOfWork.run` (row locks and pg_notify then last until its COMMIT). */
  get inTransaction(): boolean {
    return this.manager.queryRunner?.isTransactionActive ?? false;
  }

  repo<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.manager.getRepository(entity);
  }

  /**
   * The rows of a statement (also of `UPDATE ... RETURNING`, which TypeORM answers differently).
   * `name` makes it a named prepared statement, parsed and planned once per connection, for the hot
   * paths: TypeORM sends every query unnamed, and PostgreSQL planned the refresh's UPDATE anew at
   * every call (0.34 ms of planning for 0.12 ms of work; docs/benchmarks.md, issue 20).
   */
  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T[]> {
    if (!name) return queryRows<T>(this.manager, sql, params);
    // The transaction's connection, or one from the pool for this statement alone (as manager.query does).
    const own = this.manager.queryRunner;
    const runner = own ?? this.manager.connection.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      return (await client.query({ name, text: sql, values: params })).rows as T[];
    } catch (err) {
      throw asQueryFailed(err, sql, params);
    } finally {
      if (!own) await runner.release();
    }
  }

  async one<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T | undefined> {
    return (await this.rows<T>(sql, params, name))[0];
  }
}

/**
 * The one way auth-svc reaches PostgreSQL (the shape of notify-svc's unit of work, without tenants:
 * auth-svc has no row-level security). Use cases decide the transaction boundary with `run(fn)`;
 * stores and services take `db`, which is the transaction open on the current async path
 * (AsyncLocalStorage), or the pool when none is. A `run` inside another joins it, so a use case's
 * writes, its audit events and its revocation NOTIFYs commit together.
 */
@Injectable()
export class UnitOfWork {
  private readonly ambient = new AmbientTransaction<Tx>();
  private readonly pool: Tx;

  constructor(private readonly dataSource: DataSource) {
    this.pool = new Tx(dataSource.manager);
  }

  /** Runs `fn` in one transaction: the one open on this async path, or a new one (COMMIT when `fn` resolves). */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const open = this.current();
    if (open) return fn(open);
    return this.dataSource.transaction((manager) => {
      const tx = new Tx(manager);
      return this.ambient.run(tx, () => fn(tx));
    });
  }

  /**
   * The transaction open on this async path, if any. A timer or promise started inside `run` keeps
   * its async context after COMMIT: an ended transaction is not open.
   */
  current(): Tx | undefined {
    const tx = this.ambient.get();
    return tx?.inTransaction ? tx : undefined;
  }

  /** False once the pool has closed (shutdown): background writers skip their turn. */
  get connected(): boolean {
    return this.dataSource.isInitialized;
  }

  /** Where a store's statement runs: the open transaction, else the pool (the statement commits alone). */
  get db(): Tx {
    return this.current() ?? this.pool;
  }
}
