import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import { AppException, isUuid } from '#common';
import { RLS_ROLE } from '../database/migrations/1796000000001-notify-rls-role.js';

/** The statements a repository runs inside one tenant-scoped transaction. */
export class TenantSql {
  constructor(private readonly client: pg.PoolClient) {}

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async exec(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }

  private async query(sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.client.query(sql, params);
    } catch (err) {
      throw dbError(err, sql, params);
    }
  }
}

/**
 * Tenant-scoped database access. Every transaction first sets `app.tenant_id` with
 * set_config(..., true) (transaction-local), so PostgreSQL's row-level security hides every other
 * tenant's rows even from a query that forgot its `tenant_id` filter. BEGIN and the set_config
 * travel in one round trip (the tenant id is checked to be a UUID before it is inlined).
 *
 * Runs on the pg pool under TypeORM: the hot paths need a handful of hand-written statements,
 * not an ORM round trip per relation.
 */
@Injectable()
export class TenantDb {
  private readonly pool: pg.Pool;
  /** `SET LOCAL ROLE ...; ` when our login would bypass row-level security, else empty. */
  private roleSwitch: Promise<string> | null = null;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  }

  /** One transaction in which only `tenantId`'s rows exist. */
  tx<T>(tenantId: string, fn: (sql: TenantSql) => Promise<T>, opts: { readOnly?: boolean } = {}): Promise<T> {
    if (!isUuid(tenantId)) return Promise.reject(AppException.forbidden('This credential does not act for a tenant'));
    const begin = opts.readOnly ? 'BEGIN READ ONLY' : 'BEGIN';
    return this.run(begin, `SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`, fn);
  }

  /**
   * One statement in its own tenant transaction, in a single round trip: BEGIN, the role switch,
   * the tenant setting, the statement and COMMIT travel as one simple-protocol message, so the
   * answer arrives only after the commit. The hot paths (list, send) use it. Parameters are
   * inlined as escaped literals (see `literal`); the statement's own text must be constant.
   */
  async once<T = Record<string, unknown>>(
    tenantId: string,
    text: string,
    params: unknown[],
    opts: { readOnly?: boolean } = {},
  ): Promise<T[]> {
    if (!isUuid(tenantId)) throw AppException.forbidden('This credential does not act for a tenant');
    const role = await this.role();
    const statement = text.replace(/\$(\d+)/g, (_m, n: string) => literal(params[Number(n) - 1]));
    const message = `${opts.readOnly ? 'BEGIN READ ONLY' : 'BEGIN'}; ${role}SELECT set_config('app.tenant_id', '${tenantId.toLowerCase()}', true); ${statement}; COMMIT`;
    const client = await this.pool.connect();
    let broken = false;
    try {
      const results = (await client.query(message)) as unknown as pg.QueryResult[];
      return results[results.length - 2]!.rows as T[];
    } catch (err) {
      // A failed statement leaves the transaction open (the rest of the message is skipped).
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw dbError(err, statement.slice(0, 200), []);
    } finally {
      client.release(broken);
    }
  }

  /**
   * A SQL function that scopes itself to the tenant (it takes the tenant and whether to switch to
   * the row-level-security role, and sets app.tenant_id before its query), called as one named
   * prepared statement in its own transaction: parameters bound, plan cached per connection.
   * `sql` must be `SELECT ... FROM fn($1, ..., $n)` with the role flag as the last parameter.
   */
  async call<T = Record<string, unknown>>(tenantId: string, name: string, sql: string, params: unknown[]): Promise<T[]> {
    if (!isUuid(tenantId)) throw AppException.forbidden('This credential does not act for a tenant');
    const switchRole = (await this.role()) !== '';
    try {
      const { rows } = await this.pool.query({ name, text: sql, values: [...params, switchRole] });
      return rows as T[];
    } catch (err) {
      throw dbError(err, sql, []);
    }
  }

  /**
   * Maintenance jobs that span tenants (dispatch of due scheduled deliveries, retries, retention):
   * `app.system` opens every tenant's rows for this one transaction. Never used on a request path.
   */
  system<T>(fn: (sql: TenantSql) => Promise<T>): Promise<T> {
    return this.run('BEGIN', `SELECT set_config('app.system', 'on', true)`, fn);
  }

  /** Whether tenant transactions must switch role for the policies to bind (decided once). */
  private async detectRoleSwitch(): Promise<string> {
    const { rows } = await this.pool.query<{ bypass: boolean; can_switch: boolean }>(
      `SELECT r.rolsuper OR r.rolbypassrls AS bypass,
              EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') AS can_switch
       FROM pg_roles r WHERE r.rolname = current_user`,
      [RLS_ROLE],
    );
    const me = rows[0];
    if (!me?.bypass) return '';
    if (!me.can_switch) throw new Error(`notify-svc: the database login bypasses row-level security and role ${RLS_ROLE} is not available`);
    return `SET LOCAL ROLE ${RLS_ROLE}; `;
  }

  private role(): Promise<string> {
    this.roleSwitch ??= this.detectRoleSwitch().catch((err: unknown) => {
      this.roleSwitch = null;
      throw err;
    });
    return this.roleSwitch;
  }

  private async run<T>(begin: string, setting: string, fn: (sql: TenantSql) => Promise<T>): Promise<T> {
    const role = await this.role();
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(`${begin}; ${role}${setting}`);
      const result = await fn(new TenantSql(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/**
 * A value as a SQL literal for `TenantDb.once`: strings through pg's escapeLiteral (quotes and
 * backslashes escaped, E'' form when needed), numbers only when finite, dates as ISO strings.
 */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('non-finite number in SQL literal');
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return pg.escapeLiteral(v.toISOString());
  if (typeof v === 'string') return pg.escapeLiteral(v);
  return pg.escapeLiteral(JSON.stringify(v));
}

// Text PostgreSQL cannot store (NUL characters, \u0000 in JSON) is the client's input, not our fault.
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/** The shared error mapping knows TypeORM's wrapper (a unique violation becomes 409, not 500). */
function dbError(err: unknown, sql: string, params: unknown[]): unknown {
  if (!(err instanceof pg.DatabaseError)) return err;
  if (err.code && UNSTORABLE_TEXT.has(err.code)) {
    return AppException.validation('Text contains characters that cannot be stored (NUL)', [
      { field: 'body', messages: ['remove NUL (\\u0000) characters'] },
    ]);
  }
  return new QueryFailedError(sql, params, err);
}
