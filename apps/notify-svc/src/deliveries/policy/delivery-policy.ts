import { Injectable } from '@nestjs/common';
import type { DeliveryStatus } from '../entities/delivery.entity.js';

/** What the policy needs to know about one delivery. */
export interface PolicySubject {
  channel: string;
  address: string | null;
  user_id: string | null;
  category: string | null;
  send_at: Date | string | null;
}

/** What the policy needs to know about the tenant, loaded in the deciding transaction (PolicyFactsRepository). */
export interface PolicyFacts {
  /** `${channel} ${address}` of every suppressed address among the subjects. */
  suppressed: ReadonlySet<string>;
  /** Opt-outs of the users among the subjects. */
  preferences: ReadonlyMap<string, { channels: Record<string, boolean>; categories: Record<string, Record<string, boolean>> }>;
  /** Categories among the subjects that no one can opt out of. */
  requiredCategories: ReadonlySet<string>;
  /** The tenant's daily quota as it stands now (0 pauses sending). */
  dailyLimit: number;
}

export interface Decision {
  status: Extract<DeliveryStatus, 'queued' | 'scheduled' | 'suppressed' | 'skipped'>;
  reason: string | null;
}

export const suppressionKey = (channel: string, address: string) => `${channel} ${address}`;

/**
 * Whether a delivery may go out, decided the same way when it is accepted and again by the worker
 * just before it is sent (a suppression or an opt-out added in between wins; a time not yet come
 * waits). The order is the contract: suppression, then preferences (a required category overrides
 * opt-outs), then quota, then schedule.
 */
@Injectable()
export class DeliveryPolicy {
  decide(d: PolicySubject, facts: PolicyFacts, now = new Date()): Decision {
    if (d.address && facts.suppressed.has(suppressionKey(d.channel, d.address))) {
      return { status: 'suppressed', reason: 'address is suppressed' };
    }
    if (d.user_id && this.optedOut(d, facts)) return { status: 'skipped', reason: 'recipient opted out' };
    if (facts.dailyLimit <= 0) return { status: 'skipped', reason: 'daily quota is 0: sending is paused for this tenant' };
    if (d.send_at && new Date(d.send_at).getTime() > now.getTime()) return { status: 'scheduled', reason: null };
    return { status: 'queued', reason: null };
  }

  private optedOut(d: PolicySubject, facts: PolicyFacts): boolean {
    const prefs = facts.preferences.get(d.user_id!);
    if (!prefs) return false;
    if (d.category && facts.requiredCategories.has(d.category)) return false;
    if (prefs.channels[d.channel] === false) return true;
    if (!d.category) return false;
    const cat = prefs.categories[d.category];
    return cat?.[d.channel] === false || cat?.['all'] === false;
  }
}
