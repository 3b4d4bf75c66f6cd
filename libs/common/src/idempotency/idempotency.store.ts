import type { DataSource } from 'typeorm';

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

export type ClaimResult =
  { kind: 'claimed' } | { kind: 'replay'; status: number; body: unknown } | { kind: 'mismatch' } | { kind: 'in_flight' };

// A fresh key, an expired one, or one whose first request died mid-way (its lock ran out) is
// taken; anything else is left for the caller to inspect.
const CLAIM_SQL = `
  INSERT INTO idempotency_keys AS k (scope, key, request_hash, state, locked_until, expires_at)
  VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4), now() + make_interval(secs => $5))
  ON CONFLICT (scope, key) DO UPDATE SET
    request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
    created_at = now(), locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at
  WHERE k.expires_at <= now() OR (k.state = 'in_flight' AND k.locked_until <= now())
  RETURNING 1`;

/** Idempotency records in PostgreSQL, so a key holds across every instance. */
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlSeconds: number,
    /** After this long an in-flight request is presumed dead and its key may be taken again. */
    private readonly lockSeconds = 60,
  ) {}

  async claim(scope: string, key: string, requestHash: string): Promise<ClaimResult> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const claimed: unknown[] = await this.dataSource.query(CLAIM_SQL, [scope, key, requestHash, this.lockSeconds, this.ttlSeconds]);
      if (claimed.length) return { kind: 'claimed' };
      const rows: Array<{ request_hash: string; state: string; response_status: number | null; response_body: unknown }> =
        await this.dataSource.query(
          'SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2',
          [scope, key],
        );
      const row = rows[0];
      if (!row) continue; // released in between: try again
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.state === 'in_flight') return { kind: 'in_flight' };
      return { kind: 'replay', status: row.response_status ?? 200, body: row.response_body };
    }
    return { kind: 'in_flight' };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4::jsonb WHERE scope = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** The request failed: forget the key so the client can retry it. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_flight'`, [scope, key]);
  }

  async purgeExpired(): Promise<number> {
    const res: [unknown[], number] = await this.dataSource.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
    return Array.isArray(res) ? Number(res[1] ?? 0) : 0;
  }
}
