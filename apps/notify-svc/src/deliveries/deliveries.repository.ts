import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { cursorPosition, pageOf, type IsoDates, type Page } from '#common';
import type { Channel } from '../channels/channel-registry.js';
import { deliverJobsSql, TASK } from '../jobs/job-queue.js';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';
import { DELIVERY_VIEW_COLUMNS, type DeliveryViewRow } from './dtos/delivery.view.js';
import { Delivery, type DeliveryStatus } from './entities/delivery.entity.js';
import { DeliveryAttempt } from './entities/delivery-attempt.entity.js';
import { DeliveryEvent } from './entities/delivery-event.entity.js';

export type DeliveryRow = Delivery;

export interface DeliveryEventRow {
  type: string;
  detail: unknown;
  at: string;
}

export interface DeliveryAttemptRow {
  attempt: number;
  provider: string;
  outcome: string;
  providerMessageId: string | null;
  durationMs: number;
  errorCode: string | null;
  error: string | null;
  at: string;
}

/** A delivery ready to insert: rendered content, normalised address, and the policy's decision. */
export interface NewDelivery {
  user_id: string | null;
  channel: Channel;
  recipient: Record<string, string>;
  address: string;
  template_id: string | null;
  template_key: string | null;
  template_version: number | null;
  content: Record<string, string>;
  data: Record<string, unknown> | null;
  category: string | null;
  priority: string;
  send_at: string | null;
  status: DeliveryStatus;
  status_reason: string | null;
  plan_tier: string;
  sms_encoding: string | null;
  sms_characters: number | null;
  sms_segments: number | null;
}

export interface DeliveryFilter {
  userId?: string;
  status?: string;
  channel?: string;
  from?: string;
  to?: string;
}

/** The columns of a DeliveryRow, for the statements that return one. */
export const DELIVERY_COLUMNS =
  'id, tenant_id, user_id, created_by, channel, recipient, address, template_id, template_key, template_version, content, data, category, priority, status, status_reason, send_at, batch_id, attempts, attempts_before_replay, plan_tier, provider, provider_message_id, next_attempt_at, sms_encoding, sms_characters, sms_segments, created_at, updated_at, sent_at, delivered_at, bounced_at, failed_at, cancelled_at';

/**
 * Deliveries of the transaction's tenant ($1) locked by id, in id order, as a FROM item `t` with
 * the given columns: each found by primary key in a lateral lookup. A join on `unnest(ids)` or
 * `id = ANY(ids)` lets the planner pick a hash join, or the (tenant_id, created_at, id) index, over
 * the tenant's whole table while its statistics are young (measured: 1-4 ms a statement instead of
 * 0.1; docs/benchmarks.md, issue 18).
 * The ids come through a scalar subquery so that no plan sees how many there are: with the array in
 * sight, PostgreSQL priced each custom plan below the generic one and planned the statement anew at
 * every execution (0.4 ms of planning for 0.16 ms of work, pg_stat_statements; docs/benchmarks.md);
 * hidden, the prepared statement keeps one generic plan of the same shape.
 */
export function lockedDeliveries(columns: string, ids: string): string {
  return `(SELECT key_id FROM unnest((SELECT ${ids}::uuid[])) AS k(key_id) ORDER BY key_id) k
    CROSS JOIN LATERAL (SELECT ${columns} FROM deliveries WHERE tenant_id = $1 AND id = k.key_id FOR UPDATE) t`;
}

// Deliveries, their first events and their deliver jobs in one statement for any number of rows
// (prepared once per connection): the accept path's one write. Ids are given (the caller maps the
// returned rows back to its requests by them).
const INSERT_SQL = `
  WITH input AS (
    SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(
      id uuid, user_id uuid, created_by text, channel text, recipient jsonb, address text, template_id uuid, template_key text,
      template_version int, content jsonb, data jsonb, category text, priority text, send_at timestamptz, status text,
      status_reason text, batch_id uuid, plan_tier text, sms_encoding text, sms_characters int, sms_segments int)
  ), d AS (
    INSERT INTO deliveries (id, tenant_id, user_id, created_by, channel, recipient, address, template_id, template_key, template_version,
                            content, data, category, priority, status, status_reason, send_at, batch_id, plan_tier,
                            sms_encoding, sms_characters, sms_segments)
    SELECT id, $2, user_id, created_by, channel, recipient, address, template_id, template_key, template_version,
           content, data, category, priority, status, status_reason, send_at, batch_id, plan_tier,
           sms_encoding, sms_characters, sms_segments
    FROM input
    RETURNING ${DELIVERY_COLUMNS}
  ), ev AS (
    INSERT INTO delivery_events (tenant_id, delivery_id, type) SELECT tenant_id, id, status FROM d
  ), jobs AS (
    ${deliverJobsSql('d', '$3')}
  )
  SELECT d.* FROM d CROSS JOIN jobs`;

// Keyset pages on the (tenant[, user], created_at, id) indexes; a filter not given matches all.
const LIST_WHERE = `(created_at, id) < (coalesce($2::timestamptz, 'infinity'), coalesce($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
      AND created_at >= coalesce($4::timestamptz, '-infinity') AND created_at < coalesce($5::timestamptz, 'infinity')
      AND ($6::text IS NULL OR status = $6) AND ($7::text IS NULL OR channel = $7)`;
const LIST_TENANT_SQL = `SELECT ${DELIVERY_VIEW_COLUMNS.join(', ')} FROM deliveries WHERE tenant_id = $1 AND ${LIST_WHERE} ORDER BY created_at DESC, id DESC LIMIT $8`;
const LIST_USER_SQL = `SELECT ${DELIVERY_VIEW_COLUMNS.join(', ')} FROM deliveries WHERE tenant_id = $1 AND user_id = $9 AND ${LIST_WHERE} ORDER BY created_at DESC, id DESC LIMIT $8`;

/** The columns a transition may change (their names go into the statement's text), with their SQL types. */
const TRANSITION_COLUMNS: Record<string, string> = {
  status_reason: 'text',
  attempts: 'int',
  attempts_before_replay: 'int',
  provider: 'text',
  provider_message_id: 'text',
  next_attempt_at: 'timestamptz',
  sent_at: 'timestamptz',
  delivered_at: 'timestamptz',
  bounced_at: 'timestamptz',
  failed_at: 'timestamptz',
  cancelled_at: 'timestamptz',
};
/** The columns a transition may change besides its status. */
export type TransitionChanges = Partial<
  Pick<
    Delivery,
    | 'status_reason'
    | 'attempts'
    | 'attempts_before_replay'
    | 'provider'
    | 'provider_message_id'
    | 'next_attempt_at'
    | 'sent_at'
    | 'delivered_at'
    | 'bounced_at'
    | 'failed_at'
    | 'cancelled_at'
  >
>;
/** The event a transition records: its type (the new status unless given) and detail. */
export interface TransitionEvent {
  type?: string;
  detail?: Record<string, unknown>;
}
/** A move of a delivery to a status, with column changes and the event it records. */
export interface Transition {
  status: DeliveryStatus;
  changes: TransitionChanges;
  event?: TransitionEvent;
}

/**
 * Transitions as SQL over rows of JSON (`x`, one per delivery): the shape (the changed columns,
 * which name the prepared statement), the record's column list for jsonb_to_recordset, the SET
 * list, and each transition's row. Statements built on it move many deliveries at once.
 */
function transitionShape(t: Transition): { shape: string; columns: string; sets: string } {
  const changes = t.changes as Record<string, unknown>;
  const keys = Object.keys(changes)
    .filter((k) => changes[k] !== undefined)
    .sort();
  const name = keys.join(',');
  let shape = transitionShapes.get(name);
  if (!shape) {
    for (const k of keys) if (!TRANSITION_COLUMNS[k]) throw new Error(`not a transition column: ${k}`);
    shape = {
      shape: String(transitionShapes.size),
      columns: ['status text', 'ev_type text', 'ev_detail jsonb', ...keys.map((k) => `${k} ${TRANSITION_COLUMNS[k]}`)].join(', '),
      sets: ['status = x.status', ...keys.map((k) => `${k} = x.${k}`)].join(', '),
    };
    transitionShapes.set(name, shape);
  }
  return shape;
}
/** The shapes met so far, by their changed columns (a handful in all). */
const transitionShapes = new Map<string, { shape: string; columns: string; sets: string }>();

/** A transition's row for its shape's statement. */
function transitionRow(id: string, t: Transition): { id: string } & Record<string, unknown> {
  return { ...t.changes, id, status: t.status, ev_type: t.event?.type ?? t.status, ev_detail: t.event?.detail ?? null };
}

/**
 * Runs `run` over items in rounds in which no key repeats (a batch that moved or recorded the same
 * delivery twice in one statement would apply one of the two), answering each item in order.
 */
async function inUniqueRounds<I, R>(items: readonly I[], key: (i: I) => string, run: (round: I[]) => Promise<R[]>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let left = items.map((item, at) => ({ item, at }));
  while (left.length) {
    const seen = new Set<string>();
    const round = left.filter((e) => !seen.has(key(e.item)) && seen.add(key(e.item)));
    left = left.filter((e) => !round.includes(e));
    const answers = await run(round.map((e) => e.item));
    round.forEach((e, i) => (out[e.at] = answers[i]!));
  }
  return out;
}

/**
 * One statement for the rows about deliveries that a transaction's steps give in the same turn
 * (Tx.batch), in rounds without a repeated delivery (inUniqueRounds): `run` gets the statement's
 * parameters ($1 the tenant, $2 the round's rows as JSON, $3 their ids) and answers each row.
 */
function byDeliveryBatch<R extends { id: string }, A>(
  tx: Tx,
  name: string,
  row: R,
  run: (params: unknown[], round: R[]) => Promise<A[]>,
): Promise<A> {
  return tx
    .batch(name, (rows: readonly R[]) =>
      inUniqueRounds(
        rows,
        (r) => r.id,
        (round) => run([tx.tenantId, JSON.stringify(round), round.map((r) => r.id)], round),
      ),
    )
    .load(row);
}

/** Deliveries, their events and their provider attempts; every statement runs in a tenant transaction. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Inserts accepted deliveries with their first event and (queued or scheduled ones) their deliver
   * job, in the caller's transaction, answering them in the order given; one statement for the
   * inserts the transaction's steps ask for in the same turn (concurrent accepts).
   */
  insertMany(tx: Tx, rows: NewDelivery[], createdBy: string, batchId: string | null): Promise<DeliveryRow[]> {
    const call = rows.map((r) => ({ ...r, id: randomUUID(), created_by: createdBy, batch_id: batchId }));
    return tx
      .batch('deliveries_insert_with_jobs', async (calls: ReadonlyArray<typeof call>) => {
        const inserted = await tx.rows<DeliveryRow>(
          INSERT_SQL,
          [JSON.stringify(calls.flat()), tx.tenantId, TASK.deliver],
          'deliveries_insert_with_jobs',
        );
        const byId = new Map(inserted.map((d) => [d.id, d]));
        return calls.map((c) => c.map((r) => byId.get(r.id)!));
      })
      .load(call);
  }

  /**
   * A page of the tenant's deliveries, newest first. In a shared transaction (one BEGIN and COMMIT for the
   * concurrent lists and sends of the tenant): the page is answered only once that transaction commits.
   */
  list(tenantId: string, f: DeliveryFilter, limit: number, cursor?: string): Promise<Page<IsoDates<DeliveryViewRow>>> {
    const c = cursor ? cursorPosition(cursor) : undefined;
    const params = [tenantId, c?.at ?? null, c?.id ?? null, f.from ?? null, f.to ?? null, f.status ?? null, f.channel ?? null, limit + 1];
    return this.uow.shared(tenantId, async (tx) => {
      const rows = f.userId
        ? await tx.view<DeliveryViewRow>(LIST_USER_SQL, [...params, f.userId], 'deliveries_list_user')
        : await tx.view<DeliveryViewRow>(LIST_TENANT_SQL, params, 'deliveries_list_tenant');
      return pageOf(rows, limit, (r) => r.created_at);
    });
  }

  get(
    tenantId: string,
    id: string,
    userId?: string,
  ): Promise<(DeliveryRow & { events: DeliveryEventRow[]; attempts_detail: DeliveryAttemptRow[] }) | undefined> {
    return this.uow.tenant(
      tenantId,
      async (tx) => {
        const row = await tx.repo(Delivery).findOneBy(userId ? { tenant_id: tenantId, id, user_id: userId } : { tenant_id: tenantId, id });
        if (!row) return undefined;
        const [events, attempts] = await Promise.all([
          tx.repo(DeliveryEvent).find({ where: { tenant_id: tenantId, delivery_id: id }, order: { id: 'ASC' } }),
          tx.repo(DeliveryAttempt).find({ where: { tenant_id: tenantId, delivery_id: id }, order: { attempt: 'ASC' } }),
        ]);
        return {
          ...row,
          events: events.map((e) => ({ type: e.type, detail: e.detail, at: e.created_at.toISOString() })),
          attempts_detail: attempts.map((a) => ({
            attempt: a.attempt,
            provider: a.provider,
            outcome: a.outcome,
            providerMessageId: a.provider_message_id,
            durationMs: a.duration_ms,
            errorCode: a.error_code,
            error: a.error,
            at: a.created_at.toISOString(),
          })),
        };
      },
      { readOnly: true },
    );
  }

  /** The delivery, locked for this transaction (a worker deciding, a cancel, a retry). */
  lock(tx: Tx, id: string): Promise<DeliveryRow | undefined> {
    return tx.one<DeliveryRow>(`SELECT t.* FROM ${lockedDeliveries(DELIVERY_COLUMNS, '$2')}`, [tx.tenantId, [id]], 'deliveries_lock');
  }

  /**
   * Moves a delivery to `status` with the given column changes and records the event, in the
   * caller's transaction; one statement for the moves of one shape that the transaction's steps
   * ask for in the same turn (each was a round trip).
   */
  async transition(tx: Tx, id: string, status: DeliveryStatus, changes: TransitionChanges, event: TransitionEvent = {}): Promise<void> {
    const t: Transition = { status, changes, event };
    const { shape, columns, sets } = transitionShape(t);
    const name = `delivery_transition_${shape}`;
    await byDeliveryBatch(tx, name, transitionRow(id, t), async (params, round) => {
      await tx.exec(
        `WITH x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, ${columns})),
         d AS (SELECT t.* FROM ${lockedDeliveries('id', '$3')}),
         u AS (UPDATE deliveries SET ${sets}, updated_at = now() FROM d JOIN x ON x.id = d.id
               WHERE deliveries.tenant_id = $1 AND deliveries.id = d.id
               RETURNING deliveries.tenant_id, deliveries.id)
         INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT u.tenant_id, u.id, x.ev_type, x.ev_detail FROM u JOIN x ON x.id = u.id`,
        params,
        name,
      );
      return round.map(() => undefined);
    });
  }

  async event(tx: Tx, id: string, type: string, detail?: Record<string, unknown>): Promise<void> {
    await tx.exec(
      'INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) VALUES ($1, $2, $3, $4)',
      [tx.tenantId, id, type, detail ? JSON.stringify(detail) : null],
      'delivery_event_insert',
    );
  }

  /** Whether the delivery already has an event of this type (a provider reports a complaint or opt-out once per delivery). */
  async hasEvent(tx: Tx, id: string, type: string): Promise<boolean> {
    return Boolean(
      await tx.one(
        'SELECT 1 FROM delivery_events WHERE tenant_id = $1 AND delivery_id = $2 AND type = $3 LIMIT 1',
        [tx.tenantId, id, type],
        'receipts_event_seen',
      ),
    );
  }

  /**
   * Maintenance (across tenants): due scheduled deliveries, and queued ones untouched for a minute,
   * whose jobs are added again.
   */
  dueForDispatch(tx: Tx, limit: number): Promise<Array<{ id: string; tenant_id: string; priority: string }>> {
    return tx.rows(
      `SELECT id, tenant_id, priority FROM deliveries
       WHERE (status = 'scheduled' AND send_at <= now()) OR (status = 'queued' AND updated_at < now() - interval '1 minute')
       ORDER BY updated_at LIMIT $1`,
      [limit],
    );
  }

  /**
   * Maintenance (across tenants): deliveries that failed after exhausting their temporary-failure
   * retries (not permanent refusals) go back to queued, each with a `replayed` event.
   */
  replayExhaustedFailures(tx: Tx, limit: number): Promise<Array<{ id: string; tenant_id: string; priority: string }>> {
    return tx.rows(
      `WITH f AS (
         SELECT d.id FROM deliveries d
         WHERE d.status = 'failed' AND EXISTS (
           SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id AND a.attempt = d.attempts AND a.outcome = 'temporary')
         ORDER BY d.failed_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), d AS (
         UPDATE deliveries d SET status = 'queued', status_reason = NULL, attempts_before_replay = d.attempts, failed_at = NULL,
           next_attempt_at = NULL, updated_at = now()
         FROM f WHERE d.id = f.id
         RETURNING d.id, d.tenant_id, d.priority
       ), ev AS (
         INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT tenant_id, id, 'replayed', '{"by":"retry-failed"}' FROM d
       )
       SELECT id, tenant_id, priority FROM d`,
      [limit],
    );
  }

  /** Retention (across tenants): finished deliveries older than `days`, with their events and attempts; how many went. */
  purgeOlderThan(tx: Tx, days: number, limit: number): Promise<number> {
    return tx.exec(
      `DELETE FROM deliveries WHERE id IN (
         SELECT id FROM deliveries WHERE created_at < now() - make_interval(days => $1)
           AND status NOT IN ('queued', 'scheduled', 'sending') LIMIT $2)`,
      [days, limit],
    );
  }

  /**
   * Records a provider attempt and, when the delivery is still as `then.onlyIf` says (the attempt
   * that owns it), moves it as `then` says: the delivery locked, the attempt, the move and its
   * event in one round trip (the worker's record step was three), and one statement for the
   * records of one shape that the transaction's steps ask for in the same turn. Returns whether the
   * move applied; undefined, and nothing recorded, when the delivery is gone.
   */
  recordAttempt(
    tx: Tx,
    a: Omit<DeliveryAttempt, 'tenant_id' | 'created_at'>,
    then: Transition & { onlyIf: { status: DeliveryStatus; attempts: number } },
  ): Promise<{ moved: boolean } | undefined> {
    const { shape, columns, sets } = transitionShape(then);
    const name = `delivery_record_attempt_${shape}`;
    const row = {
      ...transitionRow(a.delivery_id, then),
      attempt: a.attempt,
      channel: a.channel,
      provider_used: a.provider,
      outcome: a.outcome,
      attempt_message_id: a.provider_message_id,
      duration_ms: a.duration_ms,
      error_code: a.error_code,
      error: a.error,
      only_status: then.onlyIf.status,
      only_attempts: then.onlyIf.attempts,
    };
    return byDeliveryBatch(tx, name, row, async (params, round) => {
      const found = await tx.rows<{ id: string; moved: boolean }>(
        `WITH x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, attempt int, channel text, provider_used text,
           outcome text, attempt_message_id text, duration_ms int, error_code text, error text, only_status text, only_attempts int,
           ${columns})),
         d AS (SELECT t.* FROM ${lockedDeliveries('tenant_id, id, status, attempts', '$3')}),
         a AS (
           INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, channel, provider, outcome, provider_message_id, duration_ms, error_code, error)
           SELECT d.tenant_id, d.id, x.attempt, x.channel, x.provider_used, x.outcome, x.attempt_message_id, x.duration_ms, x.error_code, x.error
           FROM d JOIN x ON x.id = d.id ON CONFLICT (delivery_id, attempt) DO NOTHING
         ), u AS (
           UPDATE deliveries SET ${sets}, updated_at = now() FROM d JOIN x ON x.id = d.id
           WHERE deliveries.tenant_id = $1 AND deliveries.id = d.id
             AND d.status = x.only_status AND d.attempts = x.only_attempts
           RETURNING deliveries.tenant_id, deliveries.id
         ), ev AS (
           INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT u.tenant_id, u.id, x.ev_type, x.ev_detail FROM u JOIN x ON x.id = u.id
         )
         SELECT d.id, EXISTS (SELECT 1 FROM u WHERE u.id = d.id) AS moved FROM d`,
        params,
        name,
      );
      const moved = new Map(found.map((f) => [f.id, { moved: f.moved }]));
      return round.map((r) => moved.get(r.id));
    });
  }

  /** Status of a delivery (or undefined when it is not the tenant's). */
  async status(tx: Tx, id: string): Promise<DeliveryStatus | undefined> {
    const row = await tx.repo(Delivery).findOne({ select: { status: true }, where: { tenant_id: tx.tenantId, id } });
    return row?.status;
  }
}
