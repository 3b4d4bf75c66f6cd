/** Statements each service's own migration runs to create the table (any service can adopt it). */
export const IDEMPOTENCY_TABLE_SQL: string[] = [
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
     scope text NOT NULL,
     key text NOT NULL,
     request_hash text NOT NULL,
     state text NOT NULL CHECK (state IN ('in_flight', 'done')),
     response_status integer,
     response_body jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     locked_until timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     PRIMARY KEY (scope, key)
   )`,
  `CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`,
];
export const IDEMPOTENCY_TABLE_DOWN_SQL: string[] = ['DROP TABLE IF EXISTS idempotency_keys'];

/** Runs one statement in the transaction the idempotency record belongs to. */
export type SqlRunner = <R = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<R[]>;

export type Existing = { kind: 'none' } | { kind: 'in_flight' } | { kind: 'done'; requestHash: string; status: number; body: unknown };

/**
 * Idempotency records in PostgreSQL, written in the same transaction as the request's own writes:
 * the record exists exactly when the work committed, so a process killed after the commit can
 * never let a retry do the work twice, and a request that failed leaves nothing behind. While the
 * first request runs, a transaction-scoped advisory lock on the key tells a concurrent one it is
 * still in flight (409) instead of making it wait.
 */
export class IdempotencyStore {
  constructor(private readonly ttlSeconds: number) {}

  async find(q: SqlRunner, scope: string, key: string): Promise<Existing> {
    const [lock] = await q<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [
      `${scope}\n${key}`,
    ]);
    if (!lock?.locked) return { kind: 'in_flight' };
    const [row] = await q<{ request_hash: string; response_status: number | null; response_body: unknown }>(
      `SELECT request_hash, response_status, response_body FROM idempotency_keys
       WHERE scope = $1 AND key = $2 AND state = 'done' AND expires_at > now()`,
      [scope, key],
    );
    if (!row) return { kind: 'none' };
    return { kind: 'done', requestHash: row.request_hash, status: row.response_status ?? 200, body: row.response_body };
  }

  async save(q: SqlRunner, scope: string, key: string, requestHash: string, status: number, body: unknown): Promise<void> {
    await q(
      `INSERT INTO idempotency_keys AS k (scope, key, request_hash, state, response_status, response_body, locked_until, expires_at)
       VALUES ($1, $2, $3, 'done', $4, $5::jsonb, now(), now() + make_interval(secs => $6))
       ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = 'done',
         response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, created_at = now(),
         locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at`,
      [scope, key, requestHash, status, JSON.stringify(body ?? null), this.ttlSeconds],
    );
  }

  async purgeExpired(q: SqlRunner, limit = 10_000): Promise<number> {
    const rows = await q(
      'DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1) RETURNING 1',
      [limit],
    );
    return rows.length;
  }
}
