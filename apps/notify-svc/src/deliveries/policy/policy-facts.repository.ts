import { Injectable } from '@nestjs/common';
import type { Tx } from '../../database/unit-of-work.js';
import { suppressionKey, type PolicyFacts, type PolicySubject } from './delivery-policy.js';

// One round trip for every fact about a set of deliveries of one channel (prepared once per connection).
const FACTS_SQL = `
  SELECT
    (SELECT coalesce(json_agg(address), '[]') FROM suppressions
       WHERE tenant_id = $1 AND channel = $2 AND address = ANY($3::text[])) AS suppressed,
    (SELECT coalesce(json_agg(json_build_object('user_id', user_id, 'channels', channels, 'categories', categories)), '[]')
       FROM preferences WHERE tenant_id = $1 AND user_id = ANY($4::uuid[])) AS preferences,
    (SELECT coalesce(json_agg(key), '[]') FROM notification_categories
       WHERE tenant_id = $1 AND required AND key = ANY($5::text[])) AS required`;

/** Loads the facts DeliveryPolicy decides on, inside the caller's tenant transaction. */
@Injectable()
export class PolicyFactsRepository {
  async load(tx: Tx, channel: string, subjects: PolicySubject[], dailyLimit: number): Promise<PolicyFacts> {
    const addresses = unique(subjects.map((s) => s.address));
    const users = unique(subjects.map((s) => s.user_id));
    const categories = unique(subjects.map((s) => s.category));
    const row = (await tx.one<{
      suppressed: string[];
      preferences: Array<{ user_id: string; channels: Record<string, boolean>; categories: Record<string, Record<string, boolean>> }>;
      required: string[];
    }>(FACTS_SQL, [tx.tenantId, channel, addresses, users, categories], 'policy_facts'))!;
    return {
      suppressed: new Set(row.suppressed.map((a) => suppressionKey(channel, a))),
      preferences: new Map(row.preferences.map((p) => [p.user_id, p])),
      requiredCategories: new Set(row.required),
      dailyLimit,
    };
  }
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
