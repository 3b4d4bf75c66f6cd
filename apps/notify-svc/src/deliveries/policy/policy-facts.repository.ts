import { Injectable } from '@nestjs/common';
import type { Tx } from '../../database/unit-of-work.js';
import { DELIVERY_COLUMNS, lockedDeliveries, type DeliveryRow } from '../deliveries.repository.js';
import { suppressionKey, type PolicyFacts, type PolicySubject } from './delivery-policy.js';

/** Every fact about a set of deliveries of one channel, as SQL columns over the given expressions. */
function factsColumns(channel: string, addresses: string, users: string, categories: string): string {
  return `
    (SELECT coalesce(json_agg(address), '[]') FROM suppressions
       WHERE tenant_id = $1 AND channel = ${channel} AND address = ANY(${addresses})) AS suppressed,
    (SELECT coalesce(json_agg(json_build_object('user_id', user_id, 'channels', channels, 'categories', categories)), '[]')
       FROM preferences WHERE tenant_id = $1 AND user_id = ANY(${users})) AS preferences,
    (SELECT coalesce(json_agg(key), '[]') FROM notification_categories
       WHERE tenant_id = $1 AND required AND key = ANY(${categories})) AS required`;
}

// One round trip for every fact about a set of deliveries of one channel (prepared once per connection).
const FACTS_SQL = `SELECT ${factsColumns('$2', '$3::text[]', '$4::uuid[]', '$5::text[]')}`;

// The worker's first step: deliveries locked (in id order) and the facts about each, one round trip
// for all the deliveries of a shared transaction.
const LOCK_WITH_FACTS_SQL = `
  WITH d AS (SELECT t.* FROM ${lockedDeliveries(DELIVERY_COLUMNS, '$2')})
  SELECT d.*, ${factsColumns('d.channel', 'ARRAY[d.address]', 'ARRAY[d.user_id]', 'ARRAY[d.category]')} FROM d`;

/** A delivery locked for its transaction, with the facts about it. */
export interface LockedWithFacts {
  row: DeliveryRow;
  facts: Omit<PolicyFacts, 'dailyLimit'>;
}

interface FactsRow {
  suppressed: string[];
  preferences: Array<{ user_id: string; channels: Record<string, boolean>; categories: Record<string, Record<string, boolean>> }>;
  required: string[];
}

/** Loads the facts DeliveryPolicy decides on, inside the caller's tenant transaction. */
@Injectable()
export class PolicyFactsRepository {
  /**
   * The facts about these subjects of one channel; one statement for the loads of a channel that
   * the transaction's steps ask for in the same turn (each gets the facts of them all: lookups are by key).
   */
  async load(tx: Tx, channel: string, subjects: PolicySubject[], dailyLimit: number): Promise<PolicyFacts> {
    const facts = await tx
      .batch(`policy_facts_${channel}`, async (calls: ReadonlyArray<PolicySubject[]>) => {
        const all = calls.flat();
        const addresses = unique(all.map((s) => s.address));
        const users = unique(all.map((s) => s.user_id));
        const categories = unique(all.map((s) => s.category));
        const row = (await tx.one<FactsRow>(FACTS_SQL, [tx.tenantId, channel, addresses, users, categories], 'policy_facts'))!;
        const shared = toFacts(channel, row);
        return calls.map(() => shared);
      })
      .load(subjects);
    return { ...facts, dailyLimit };
  }

  /**
   * The delivery locked for this transaction, with the facts about it (all but the quota, which the
   * caller adds); one statement for the deliveries the transaction's steps lock in the same turn.
   */
  lockWithFacts(tx: Tx, id: string): Promise<LockedWithFacts | undefined> {
    return tx.batch('delivery_lock_with_facts', (ids: readonly string[]) => this.lockManyWithFacts(tx, ids)).load(id);
  }

  private async lockManyWithFacts(tx: Tx, ids: readonly string[]): Promise<Array<LockedWithFacts | undefined>> {
    const rows = await tx.rows<DeliveryRow & FactsRow>(LOCK_WITH_FACTS_SQL, [tx.tenantId, ids], 'delivery_lock_with_facts');
    const byId = new Map(
      rows.map(({ suppressed, preferences, required, ...row }) => [
        row.id,
        { row, facts: toFacts(row.channel, { suppressed, preferences, required }) },
      ]),
    );
    return ids.map((id) => byId.get(id));
  }
}

function toFacts(channel: string, row: FactsRow): Omit<PolicyFacts, 'dailyLimit'> {
  return {
    suppressed: new Set(row.suppressed.map((a) => suppressionKey(channel, a))),
    preferences: new Map(row.preferences.map((p) => [p.user_id, p])),
    requiredCategories: new Set(row.required),
  };
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
