import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent } from 'typeorm';
import { encodeLiveMessage, PostgresLiveBus, LIVE_MAX_MESSAGE_BYTES } from '#common';
import type { RevocationEntries } from '#auth-kit';
import { AUTH_CONFIG, type AuthConfig } from '../config/auth-config.js';
import { UnitOfWork } from '../database/unit-of-work.js';

/** What one commit revoked: ended sessions, deactivated users, users whose roles changed (`before` in seconds). */
export type RevocationEvent = Partial<Omit<RevocationEntries, 'retainSeconds'>>;

/** The NOTIFY channel every auth-svc instance LISTENs on, and the topic of its messages. */
export const REVOCATION_CHANNEL = 'auth_revocations';
const TOPIC = 'revocation';
/** Session ids per NOTIFY: 100 × ~40 bytes stays far below pg_notify's 8,000-byte limit. */
const SESSIONS_PER_MESSAGE = 100;
const PENDING = Symbol('pendingRevocations');

type Applier = (e: RevocationEvent) => void;
type QueryRunnerWithPending = QueryRunner & { data: { [PENDING]?: RevocationEvent[] } };

/**
 * How a revocation reaches every auth-svc instance at once rather than at the next poll:
 *
 * - `publish(event)` runs `pg_notify('auth_revocations', ...)` inside the writer's transaction,
 *   so the message leaves exactly when (and only if) the change commits;
 * - the process that made the change applies the event to its own revocation list right after
 *   COMMIT (a TypeORM transaction subscriber), before its answer goes out: the next request is refused;
 * - every instance LISTENs on the channel (the project's PostgresLiveBus: one connection, reconnect
 *   with backoff) and applies what others committed within milliseconds; after a lost connection it
 *   re-reads the feed from the database (`onResync`), and the 1 s poll stays as the safety net.
 */
@Injectable()
export class RevocationEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Revocations');
  private readonly appliers = new Set<Applier>();
  private readonly resyncers = new Set<() => void>();
  private readonly bus: PostgresLiveBus;
  private off?: () => void;

  constructor(
    dataSource: DataSource,
    private readonly uow: UnitOfWork,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.bus = new PostgresLiveBus(config.AUTH_DATABASE_URL, {
      channel: REVOCATION_CHANNEL,
      applicationName: 'auth-svc-revocations',
      onError: (err) => this.log.warn(`revocation LISTEN connection trouble: ${String(err)}`),
    });
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: (e: TransactionCommitEvent) => this.flush(e.queryRunner as QueryRunnerWithPending, true),
      afterTransactionRollback: (e) => this.flush(e.queryRunner as QueryRunnerWithPending, false),
    };
    dataSource.subscribers.push(subscriber);
  }

  /** Registers what applies an event (auth-svc's revocation list); `resync` re-reads the feed after missed messages. */
  register(apply: Applier, resync: () => void): void {
    this.appliers.add(apply);
    this.resyncers.add(resync);
  }

  onApplicationBootstrap(): void {
    this.off = this.bus.subscribe(TOPIC, (p) => this.applyLocally(p as RevocationEvent), {
      onResync: () => this.resyncers.forEach((r) => r()),
    });
  }

  /** Resolves once this instance is LISTENing (tests and readiness). */
  ready(): Promise<void> {
    return this.bus.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    this.off?.();
    await this.bus.close();
  }

  /**
   * Announces a revocation in the open transaction (applied here after COMMIT, elsewhere by NOTIFY).
   * Outside a transaction the statement commits at once, and so is applied at once.
   */
  async publish(event: RevocationEvent): Promise<void> {
    const sessions = event.sessions ?? [];
    const messages: RevocationEvent[] = [];
    for (let i = 0; i < sessions.length; i += SESSIONS_PER_MESSAGE)
      messages.push({ sessions: sessions.slice(i, i + SESSIONS_PER_MESSAGE) });
    if (event.users?.length || event.roles?.length) messages.push({ users: event.users ?? [], roles: event.roles ?? [] });
    if (messages.length === 0) return;
    const payloads = messages.map((m) => encodeLiveMessage(TOPIC, m as Record<string, unknown>));
    if (payloads.some((p) => Buffer.byteLength(p) > LIVE_MAX_MESSAGE_BYTES)) throw new Error('revocation event too large');
    const db = this.uow.db;
    await db.rows(`SELECT pg_notify($1, m) FROM unnest($2::text[]) AS m`, [REVOCATION_CHANNEL, payloads]);
    const qr = db.manager.queryRunner as QueryRunnerWithPending | undefined;
    if (db.inTransaction && qr) (qr.data[PENDING] ??= []).push(...messages);
    else messages.forEach((m) => this.applyLocally(m));
  }

  private flush(qr: QueryRunnerWithPending | undefined, committed: boolean): void {
    // A savepoint's release also reports a commit: wait for the outermost one.
    if (!qr || qr.isTransactionActive) return;
    const pending = qr.data?.[PENDING];
    if (!pending) return;
    delete qr.data[PENDING];
    if (committed) pending.forEach((m) => this.applyLocally(m));
  }

  private applyLocally(e: RevocationEvent): void {
    for (const apply of this.appliers) {
      try {
        apply(e);
      } catch (err) {
        this.log.error(`applying a revocation failed: ${String(err)}`);
      }
    }
  }
}
