import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import pg from 'pg';
import { type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type QueryRunner, type Repository } from 'typeorm';
import { AmbientTransaction, AppException, asQueryFailed, ISO_TIMESTAMP_TYPES, isUuid, type IsoDates } from '#common';
import { MAINTENANCE_ROLE, RLS_ROLE } from './roles.js';

/** The condition and parameter of a tenant transaction's own rows (`tenant_id = $1`), for newestFirst. */
export function ownRows(tx: Tx): { where: string; params: unknown[] } {
  return { where: 'tenant_id = $1', params: [tx.tenantId] };
}

/** Whose rows a transaction sees: one tenant's (row-level security), or every tenant's (maintenance). */
export type TxScope = { kind: 'tenant'; tenantId: string } | { kind: 'maintenance' };

/**
 * One transaction of notify-svc. Repositories receive it and run every statement through it:
 * TypeORM repositories for entity work, bound-parameter SQL for the few statements TypeORM cannot
 * express, and named prepared statements for the hot paths (parsed and planned once per connection).
 */
export class Tx {
  constructor(
    readonly scope: TxScope,
    private readonly runner: QueryRunner,
    private readonly client: pg.PoolClient,
  ) {}

  private readonly committed: Array<() => void> = [];
  private readonly batches = new Map<string, DataLoader<unknown, unknown>>();

  /**
   * One statement for every item of a kind that the concurrent steps of this transaction ask for
   * in the same turn (a shared transaction's deliveries each locking, moving or recording): `load`
   * gives one item and gets its answer; `run` gets them all and answers each, in order. DataLoader
   * does the gathering (nothing is cached: every load is run); `name` tells the kinds apart.
   */
  batch<K, V>(name: string, run: (items: readonly K[]) => Promise<ReadonlyArray<V | Error>>): DataLoader<K, V> {
    let loader = this.batches.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(run, { cache: false, maxBatchSize: BATCH_MAX });
      this.batches.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Runs `fn` once this transaction has committed (never if it rolls back): metrics of what it wrote. */
  afterCommit(fn: () => void): void {
    this.committed.push(fn);
  }

  /** @internal UnitOfWork calls it after COMMIT. */
  runAfterCommit(): void {
    for (const fn of this.committed.splice(0)) {
      try {
        fn();
      } catch {
        /* a metric must not fail a committed request */
      }
    }
  }

  get tenantId(): string {
    if (this.scope.kind !== 'tenant') throw new Error('not a tenant transaction');
    return this.scope.tenantId;
  }

  get manager(): EntityManager {
    return this.runner.manager;
  }

  repo<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.runner.manager.getRepository(entity);
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T[]> {
    return (await this.query(sql, params, name)).rows as T[];
  }

  /**
   * Rows that go out in an answer: like `rows`, but `timestamptz` columns arrive as the ISO strings
   * the answer carries (`ISO_TIMESTAMP_TYPES`) instead of Dates written back out one by one.
   */
  async view<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<IsoDates<T>[]> {
    return (await this.query(sql, params, name, ISO_TIMESTAMP_TYPES)).rows as IsoDates<T>[];
  }

  async one<T = Record<string, unknown>>(sql: string, params: unknown[] = [], name?: string): Promise<T | undefined> {
    return (await this.query(sql, params, name)).rows[0] as T | undefined;
  }

  async exec(sql: string, params: unknown[] = [], name?: string): Promise<number> {
    return (await this.query(sql, params, name)).rowCount ?? 0;
  }

  private async query(text: string, values: unknown[], name?: string, types?: pg.CustomTypesConfig): Promise<pg.QueryResult> {
    try {
      return await this.client.query({ name, text, values, types });
    } catch (err) {
      throw dbError(err, text, values);
    }
  }
}

/**
 * The one way notify-svc reaches PostgreSQL. `tenant(id, fn)` opens a transaction in which only
 * that tenant's rows exist: the tenant is set with a bound parameter (`app.tenant_id`,
 * transaction-local) and, when the service's login would bypass row-level security (a superuser
 * in dev), the transaction switches to the plain role `notify_tenant_rls` so the policies bind.
 * The policies have no bypass setting: `maintenance(fn)` (retention, repairs) runs as the
 * BYPASSRLS role made for it instead.
 *
 * A call made while a transaction of the same scope is open on the current async path joins it
 * (AsyncLocalStorage), so a request's Idempotency-Key record, its use case's writes and its queued
 * jobs commit together.
 */
@Injectable()
export class UnitOfWork {
  private readonly ambient = new AmbientTransaction<Tx>();
  private roles: Promise<{ tenant: string | null; maintenance: string | null }> | null = null;
  /** Steps waiting for the next turn of the event loop, by tenant (see `shared`). */
  private readonly pending = new Map<string, SharedStep[]>();
  /** Shared transactions running, by tenant. */
  private readonly inFlight = new Map<string, number>();
  /** The keys (`tenant:key`) of the steps running in shared transactions. */
  private readonly busyKeys = new Set<string>();
  private flushing = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  tenant<T>(tenantId: string | null | undefined, fn: (tx: Tx) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
    if (!tenantId || !isUuid(tenantId)) return Promise.reject(AppException.forbidden('This credential does not act for a tenant'));
    return this.run({ kind: 'tenant', tenantId: tenantId.toLowerCase() }, fn, opts.readOnly ?? false);
  }

  /**
   * A tenant transaction that may be shared with the other `shared` steps of the same tenant asked
   * for in the same turn of the event loop (the worker's deliveries in flight, concurrent accepts): N steps pay one
   * BEGIN and one COMMIT instead of N, and a commit is the costliest statement under load
   * (docs/benchmarks.md, issue 18). The steps run concurrently inside the one transaction (its
   * statements queue on its one connection), so the statements they ask for in the same turn can
   * run as one (`Tx.batch`); each step must have no effect outside the database before it returns
   * (`tx.afterCommit` for metrics).
   * When any step fails the shared transaction rolls back and every step of it runs again alone:
   * one bad delivery neither fails nor commits its neighbours. Steps given the same `key` (about the
   * same row) are never in one shared transaction together.
   * Hand-written: DataLoader and its kin batch keyed reads, not transactions of arbitrary steps.
   */
  shared<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, opts: { key?: string } = {}): Promise<T> {
    // Inside an open transaction (an Idempotency-Key request's), join it as tenant() does.
    if (!isUuid(tenantId) || this.ambient.get()) return this.tenant(tenantId, fn);
    return new Promise<T>((resolve, reject) =>
      this.queueShared(tenantId.toLowerCase(), { fn, resolve, reject, key: opts.key } as SharedStep),
    );
  }

  private queueShared(tenantId: string, step: SharedStep): void {
    const steps = this.pending.get(tenantId) ?? [];
    if (!steps.length) this.pending.set(tenantId, steps);
    steps.push(step);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flushShared());
  }

  /**
   * Starts a shared transaction for each tenant with waiting steps, while fewer than SHARED_IN_FLIGHT
   * of its shared transactions run; steps that arrive meanwhile wait and go together in the next
   * (group commit: the busier the tenant, the more steps a transaction carries).
   */
  private flushShared(): void {
    this.flushing = false;
    for (const [tenantId, waiting] of this.pending) {
      while (waiting.length && (this.inFlight.get(tenantId) ?? 0) < SHARED_IN_FLIGHT) {
        // Steps about the same thing (`key`: a delivery) never share a transaction, where they would
        // run side by side, nor run while one about it does: the later waits and sees what the first committed.
        const keys: string[] = [];
        const steps: SharedStep[] = [];
        const rest: SharedStep[] = [];
        for (const s of waiting) {
          const key = s.key === undefined ? undefined : `${tenantId}:${s.key}`;
          if (steps.length < SHARED_MAX && (key === undefined || !this.busyKeys.has(key))) {
            if (key !== undefined) {
              this.busyKeys.add(key);
              keys.push(key);
            }
            steps.push(s);
          } else rest.push(s);
        }
        waiting.splice(0, waiting.length, ...rest);
        if (!steps.length) break;
        this.inFlight.set(tenantId, (this.inFlight.get(tenantId) ?? 0) + 1);
        void this.runShared(tenantId, steps).finally(() => {
          for (const key of keys) this.busyKeys.delete(key);
          const left = this.inFlight.get(tenantId)! - 1;
          if (left) this.inFlight.set(tenantId, left);
          else this.inFlight.delete(tenantId);
          if (this.pending.get(tenantId)?.length) this.scheduleFlush();
        });
      }
      if (!waiting.length) this.pending.delete(tenantId);
    }
  }

  private async runShared(tenantId: string, steps: SharedStep[]): Promise<void> {
    const alone = (s: SharedStep) => this.tenant(tenantId, s.fn).then(s.resolve, s.reject);
    if (steps.length === 1) return alone(steps[0]!);
    let results: unknown[];
    try {
      results = await this.tenant(tenantId, async (tx) => {
        // Every step settles before the transaction ends, whether it commits or rolls back.
        const settled = await Promise.allSettled(steps.map((s) => s.fn(tx)));
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
      });
    } catch {
      await Promise.all(steps.map(alone));
      return;
    }
    steps.forEach((s, i) => s.resolve(results[i]));
  }

  maintenance<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.run({ kind: 'maintenance' }, fn, false);
  }

  /** The transaction open on this async path, if any. */
  current(): Tx | undefined {
    return this.ambient.get();
  }

  private async run<T>(scope: TxScope, fn: (tx: Tx) => Promise<T>, readOnly: boolean): Promise<T> {
    const open = this.ambient.get();
    if (open) {
      if (sameScope(open.scope, scope)) return fn(open);
      throw new Error(`a ${scope.kind} transaction cannot open inside another scope's transaction`);
    }
    const roles = await this.detectRoles();
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    let broken = false;
    try {
      // BEGIN, read-only, role and tenant in one round trip (was three or four): every transaction
      // pays it, and under load the round trips, not Node's CPU, bound the accept and list routes.
      await client.query(openingSql(scope, roles, readOnly));
      transactionOpened(runner);
      const tx = new Tx(scope, runner, client);
      const result = await this.ambient.run(tx, () => fn(tx));
      await runner.commitTransaction();
      tx.runAfterCommit();
      return result;
    } catch (err) {
      await runner.rollbackTransaction().catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection whose ROLLBACK failed is never reused: ended here, so that pg-pool drops it when the runner
      // gives it back. Released through the runner only: releasing the pg client as well (client.release(true))
      // was a double release, whichever came second threw, and a runner TypeORM had marked released stayed in
      // its list of connected runners, where DataSource.destroy() then spun at 100% CPU on shutdown.
      if (broken) void client.end().catch(() => undefined);
      await runner.release().catch(() => undefined);
    }
  }

  /**
   * Which role each scope switches to, decided once per process from the login's own attributes:
   * a login that bypasses RLS needs the plain tenant role; a login that does not needs the
   * maintenance role for cross-tenant work.
   */
  private detectRoles(): Promise<{ tenant: string | null; maintenance: string | null }> {
    this.roles ??= (async () => {
      const rows: Array<{ bypass: boolean; tenant_ok: boolean; maint_ok: boolean }> = await this.dataSource.query(
        `SELECT r.rolsuper OR r.rolbypassrls AS bypass,
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') AS tenant_ok,
                EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $2) AND pg_has_role(current_user, $2, 'MEMBER') AS maint_ok
         FROM pg_roles r WHERE r.rolname = current_user`,
        [RLS_ROLE, MAINTENANCE_ROLE],
      );
      const me = rows[0]!;
      if (me.bypass) {
        if (!me.tenant_ok)
          throw new Error(`notify-svc: the database login bypasses row-level security and role ${RLS_ROLE} is not available`);
        return { tenant: RLS_ROLE, maintenance: null };
      }
      return { tenant: null, maintenance: me.maint_ok ? MAINTENANCE_ROLE : null };
    })().catch((err: unknown) => {
      this.roles = null;
      throw err;
    });
    return this.roles;
  }
}

interface SharedStep {
  fn: (tx: Tx) => Promise<unknown>;
  key?: string;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Most steps one shared transaction takes: bounds how long its row locks are held. */
const SHARED_MAX = 32;
/** Most shared transactions of one tenant running at once (more steps wait for the next). */
const SHARED_IN_FLIGHT = 4;
/** Most items one batched statement takes (Tx.batch). */
const BATCH_MAX = 64;

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ROLE_NAME = /^[a-z_]+$/;

/**
 * The statements that open a transaction, sent as one simple query (one round trip): BEGIN (READ
 * ONLY), then set_config('role', ...) (SET LOCAL ROLE; PostgreSQL checks membership) and the
 * transaction-local tenant. A simple query cannot bind parameters, so the two values are inlined
 * only after checking their whole shape: the tenant id is a lower-case uuid (`tenant()` checked
 * and lower-cased it), the role one of this service's role names.
 */
function openingSql(scope: TxScope, roles: { tenant: string | null; maintenance: string | null }, readOnly: boolean): string {
  const sets: string[] = [];
  const role = scope.kind === 'tenant' ? roles.tenant : roles.maintenance;
  if (role) {
    if (!ROLE_NAME.test(role)) throw new Error(`unexpected role name ${role}`);
    sets.push(`set_config('role', '${role}', true)`);
  }
  if (scope.kind === 'tenant') {
    if (!UUID_TEXT.test(scope.tenantId)) throw new Error('tenant id is not a lower-case uuid');
    sets.push(`set_config('app.tenant_id', '${scope.tenantId}', true)`);
  }
  return `${readOnly ? 'BEGIN READ ONLY' : 'BEGIN'}${sets.length ? `; SELECT ${sets.join(', ')}` : ''}`;
}

/**
 * Tells the TypeORM query runner that its transaction is open (what its startTransaction() sets
 * after sending START TRANSACTION), so its repositories join it rather than opening their own
 * and commitTransaction()/rollbackTransaction() end it. No transaction subscribers exist here.
 */
function transactionOpened(runner: QueryRunner): void {
  Object.assign(runner as unknown as { isTransactionActive: boolean; transactionDepth: number }, {
    isTransactionActive: true,
    transactionDepth: 1,
  });
}

function sameScope(a: TxScope, b: TxScope): boolean {
  if (a.kind === 'tenant' && b.kind === 'tenant') return a.tenantId === b.tenantId;
  return a.kind === b.kind;
}

// Text PostgreSQL cannot store (NUL characters, \u0000 in JSON) is the client's input, not our fault.
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/** Unstorable text is the client's 400 (VALIDATION_FAILED); any other pg error as TypeORM reports it (asQueryFailed). */
function dbError(err: unknown, sql: string, params: unknown[]): unknown {
  if (err instanceof pg.DatabaseError && err.code && UNSTORABLE_TEXT.has(err.code)) {
    return AppException.validation('Text contains characters that cannot be stored (NUL)', [
      { field: 'body', messages: ['remove NUL (\\u0000) characters'] },
    ]);
  }
  return asQueryFailed(err, sql, params);
}
