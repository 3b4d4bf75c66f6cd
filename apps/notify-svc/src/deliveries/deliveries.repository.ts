import { Injectable } from '@nestjs/common';
import { cursorPosition, pageOf, type Page } from '#common';
import type { Channel } from '../channels/channel-registry.js';
import { deliverJobsSql, TASK } from '../jobs/job-queue.js';
import { UnitOfWork, type Tx } from '../database/unit-of-work.js';
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

// Deliveries, their first events and their deliver jobs in one statement for any number of rows
// (prepared once per connection): the accept path's one write.
const INSERT_SQL = `
  WITH input AS (
    SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(
      ord int, user_id uuid, channel text, recipient jsonb, address text, template_id uuid, template_key text, template_version int,
      content jsonb, data jsonb, category text, priority text, send_at timestamptz, status text, status_reason text, plan_tier text,
      sms_encoding text, sms_characters int, sms_segments int)
  ), d AS (
    INSERT INTO deliveries (tenant_id, user_id, created_by, channel, recipient, address, template_id, template_key, template_version,
                            content, data, category, priority, status, status_reason, send_at, batch_id, plan_tier,
                            sms_encoding, sms_characters, sms_segments)
    SELECT $2, user_id, $3, channel, recipient, address, template_id, template_key, template_version,
           content, data, category, priority, status, status_reason, send_at, $4, plan_tier,
           sms_encoding, sms_characters, sms_segments
    FROM input ORDER BY ord
    RETURNING ${DELIVERY_COLUMNS}
  ), ev AS (
    INSERT INTO delivery_events (tenant_id, delivery_id, type) SELECT tenant_id, id, status FROM d
  ), jobs AS (
    ${deliverJobsSql('d', '$5')}
  )
  SELECT d.* FROM d CROSS JOIN jobs`;

// Keyset pages on the (tenant[, user], created_at, id) indexes; a filter not given matches all.
const LIST_WHERE = `(created_at, id) < (coalesce($2::timestamptz, 'infinity'), coalesce($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
      AND created_at >= coalesce($4::timestamptz, '-infinity') AND created_at < coalesce($5::timestamptz, 'infinity')
      AND ($6::text IS NULL OR status = $6) AND ($7::text IS NULL OR channel = $7)`;
const LIST_TENANT_SQL = `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE tenant_id = $1 AND ${LIST_WHERE} ORDER BY created_at DESC, id DESC LIMIT $8`;
const LIST_USER_SQL = `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE tenant_id = $1 AND user_id = $9 AND ${LIST_WHERE} ORDER BY created_at DESC, id DESC LIMIT $8`;

/** The columns a transition may change (their names go into the statement's text). */
const TRANSITION_COLUMNS = new Set([
  'status_reason',
  'attempts',
  'attempts_before_replay',
  'provider',
  'provider_message_id',
  'next_attempt_at',
  'sent_at',
  'delivered_at',
  'bounced_at',
  'failed_at',
  'cancelled_at',
]);
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
 * A transition as SQL: the SET list, the event's (type, detail) select list, their parameters
 * numbered from `first`, and the shape (the changed columns) that names its prepared statement.
 */
function transitionParts(t: Transition, first: number): { sets: string; event: string; params: unknown[]; shape: string } {
  const changes = t.changes as Record<string, unknown>;
  const keys = Object.keys(changes)
    .filter((k) => changes[k] !== undefined)
    .sort();
  for (const k of keys) if (!TRANSITION_COLUMNS.has(k)) throw new Error(`not a transition column: ${k}`);
  const columns = keys.join(',');
  let shape = transitionShapes.get(columns);
  if (shape === undefined) transitionShapes.set(columns, (shape = transitionShapes.size));
  return {
    sets: [`status = $${first}`, ...keys.map((k, i) => `${k} = $${first + 3 + i}`)].join(', '),
    event: `$${first + 1}, $${first + 2}::jsonb`,
    params: [t.status, t.event?.type ?? t.status, t.event?.detail ? JSON.stringify(t.event.detail) : null, ...keys.map((k) => changes[k])],
    shape: String(shape),
  };
}
/** A number per set of changed columns (a handful of shapes in all), naming their prepared statements. */
const transitionShapes = new Map<string, number>();

/** Deliveries, their events and their provider attempts; every statement runs in a tenant transaction. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Inserts accepted deliveries with their first event and (queued or scheduled ones) their deliver job, in the caller's transaction. */
  insertMany(tx: Tx, rows: NewDelivery[], createdBy: string, batchId: string | null): Promise<DeliveryRow[]> {
    return tx.rows<DeliveryRow>(
      INSERT_SQL,
      [JSON.stringify(rows.map((r, ord) => ({ ord, ...r }))), tx.tenantId, createdBy, batchId, TASK.deliver],
      'deliveries_insert_with_jobs',
    );
  }

  list(tenantId: string, f: DeliveryFilter, limit: number, cursor?: string): Promise<Page<DeliveryRow>> {
    const c = cursor ? cursorPosition(cursor) : undefined;
    const params = [tenantId, c?.at ?? null, c?.id ?? null, f.from ?? null, f.to ?? null, f.status ?? null, f.channel ?? null, limit + 1];
    return this.uow.tenant(tenantId, async (tx) => {
      const rows = f.userId
        ? await tx.rows<DeliveryRow>(LIST_USER_SQL, [...params, f.userId], 'deliveries_list_user')
        : await tx.rows<DeliveryRow>(LIST_TENANT_SQL, params, 'deliveries_list_tenant');
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
    return tx.one<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tx.tenantId, id],
      'deliveries_lock',
    );
  }

  /** Moves a delivery to `status` with the given column changes and records the event, in the caller's transaction. */
  async transition(tx: Tx, id: string, status: DeliveryStatus, changes: TransitionChanges, event: TransitionEvent = {}): Promise<void> {
    // One statement: the row's change and its event (a worker's send moves a delivery twice; each is one round trip).
    const t = transitionParts({ status, changes, event }, 3);
    await tx.exec(
      `WITH u AS (UPDATE deliveries SET ${t.sets}, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING tenant_id, id)
       INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT tenant_id, id, ${t.event} FROM u`,
      [tx.tenantId, id, ...t.params],
      `delivery_transition_${t.shape}`,
    );
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
   * event in one round trip (the worker's record step was three). Returns whether the move applied;
   * undefined, and nothing recorded, when the delivery is gone.
   */
  async recordAttempt(
    tx: Tx,
    a: Omit<DeliveryAttempt, 'tenant_id' | 'created_at'>,
    then: Transition & { onlyIf: { status: DeliveryStatus; attempts: number } },
  ): Promise<{ moved: boolean } | undefined> {
    const t = transitionParts(then, 13);
    return tx.one<{ moved: boolean }>(
      `WITH d AS (SELECT tenant_id, id, status, attempts FROM deliveries WHERE tenant_id = $1 AND id = $2 FOR UPDATE),
       a AS (
         INSERT INTO delivery_attempts (tenant_id, delivery_id, attempt, channel, provider, outcome, provider_message_id, duration_ms, error_code, error)
         SELECT d.tenant_id, d.id, $3, $4, $5, $6, $7, $8, $9, $10 FROM d ON CONFLICT (delivery_id, attempt) DO NOTHING
       ), u AS (
         UPDATE deliveries x SET ${t.sets}, updated_at = now() FROM d
         WHERE x.tenant_id = $1 AND x.id = d.id AND d.status = $11 AND d.attempts = $12
         RETURNING x.tenant_id, x.id
       ), ev AS (
         INSERT INTO delivery_events (tenant_id, delivery_id, type, detail) SELECT tenant_id, id, ${t.event} FROM u
       )
       SELECT EXISTS (SELECT 1 FROM u) AS moved FROM d`,
      [
        tx.tenantId,
        a.delivery_id,
        a.attempt,
        a.channel,
        a.provider,
        a.outcome,
        a.provider_message_id,
        a.duration_ms,
        a.error_code,
        a.error,
        then.onlyIf.status,
        then.onlyIf.attempts,
        ...t.params,
      ],
      `delivery_record_attempt_${t.shape}`,
    );
  }

  /** Status of a delivery (or undefined when it is not the tenant's). */
  async status(tx: Tx, id: string): Promise<DeliveryStatus | undefined> {
    const row = await tx.repo(Delivery).findOne({ select: { status: true }, where: { tenant_id: tx.tenantId, id } });
    return row?.status;
  }
}
