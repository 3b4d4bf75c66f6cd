import type { Rate } from '../config/config-schema.js';
import type { RateLimitResult, RateLimitStore } from './rate-limit.store.js';

interface Lease {
  remaining: number;
  expiresAtMs: number;
  size: number;
  /** What the shared counter had left after the lease was taken. */
  storeRemaining: number;
}

/**
 * Sits in front of the shared RateLimitStore (PostgreSQL or Redis) and reserves a tenant's budget
 * in small blocks, so a busy tenant costs one shared-store round trip per block instead of per
 * request. A block starts at 1 (exact), doubles only while the previous one was used up within its
 * lease, and never exceeds a tenth of what the shared counter still had left, so near the limit it
 * shrinks back to exact counting. Unused units of an expired lease count as used: the limit can
 * only be reached slightly early, never exceeded by more than concurrent instances' last blocks.
 */
export class LeasedRateLimiter {
  private readonly leases = new Map<string, Lease>();
  /** One refill in flight per key: concurrent misses wait for it instead of each asking the store. */
  private readonly refills = new Map<string, Promise<unknown>>();
  /** A refusal is remembered briefly, so a tenant over its limit costs no store round trip per request. */
  private readonly denials = new Map<string, { untilMs: number; limit: number; remaining: number; retryAfterSeconds: number }>();

  constructor(
    private readonly store: RateLimitStore,
    private readonly maxLease: number,
    private readonly leaseMs = 1000,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes `cost` from a live lease without any I/O; false when the shared store must be asked. */
  tryLocal(key: string, cost = 1, nowMs = Date.now()): boolean {
    const l = this.leases.get(key);
    if (!l || l.expiresAtMs <= nowMs || l.remaining < cost) return false;
    l.remaining -= cost;
    return true;
  }

  /**
   * Takes `cost` units (from a lease when one is live). `refundOnDeny` gives a refused take back to
   * the shared counter, for budgets where a refused attempt must not count (quotas).
   */
  async consume(key: string, rate: Rate, cost = 1, refundOnDeny = false): Promise<RateLimitResult> {
    for (;;) {
      if (this.tryLocal(key, cost)) return { allowed: true, limit: rate.count, remaining: -1, retryAfterSeconds: 0 };
      const denied = this.denials.get(key);
      if (denied && denied.untilMs > Date.now() && denied.limit === rate.count && cost > denied.remaining) {
        return { allowed: false, limit: rate.count, remaining: denied.remaining, retryAfterSeconds: denied.retryAfterSeconds };
      }
      const inFlight = this.refills.get(key);
      if (!inFlight) break;
      await inFlight.catch(() => undefined);
    }
    const refill = this.refill(key, rate, cost, refundOnDeny);
    this.refills.set(key, refill);
    try {
      return await refill;
    } finally {
      if (this.refills.get(key) === refill) this.refills.delete(key);
    }
  }

  private async refill(key: string, rate: Rate, cost: number, refundOnDeny: boolean): Promise<RateLimitResult> {
    const now = Date.now();
    const prev = this.leases.get(key);
    const busy = prev !== undefined && prev.expiresAtMs > now;
    let size = busy ? prev.size * 2 : 1;
    size = Math.min(size, this.maxLease, Math.max(1, Math.floor((busy ? prev.storeRemaining : 0) / 10)));
    size = Math.max(size, cost);
    const r = await this.store.hit(key, rate, size);
    if (!r.allowed) {
      this.leases.delete(key);
      let remaining = 0;
      if (refundOnDeny) {
        await this.store.hit(key, rate, -size);
        // What still fits is unknown here, so only takes as large as the refused one are refused locally.
        remaining = cost - 1;
      }
      if (this.denials.size >= this.maxKeys) this.denials.clear();
      this.denials.set(key, {
        untilMs: Date.now() + Math.min(this.leaseMs, r.retryAfterSeconds * 1000),
        limit: rate.count,
        remaining,
        retryAfterSeconds: r.retryAfterSeconds,
      });
      return r;
    }
    this.denials.delete(key);
    if (this.leases.size >= this.maxKeys) this.sweep(now);
    // Units still left in a live lease (others took from it meanwhile) are kept, not dropped.
    const cur = this.leases.get(key);
    const left = cur && cur.expiresAtMs > Date.now() ? cur.remaining : 0;
    this.leases.set(key, { remaining: left + size - cost, expiresAtMs: now + this.leaseMs, size, storeRemaining: r.remaining });
    return r;
  }

  /** The shared counter's current state, without consuming anything. */
  peek(key: string, rate: Rate): Promise<RateLimitResult> {
    return this.store.hit(key, rate, 0);
  }

  /** Gives back units taken for work that did not happen (a failed send). */
  async refund(key: string, rate: Rate, cost: number): Promise<void> {
    this.leases.delete(key);
    this.denials.delete(key);
    await this.store.hit(key, rate, -cost);
  }

  forget(key: string): void {
    this.leases.delete(key);
    this.denials.delete(key);
  }

  private sweep(now: number): void {
    for (const [k, l] of this.leases) if (l.expiresAtMs <= now) this.leases.delete(k);
    if (this.leases.size >= this.maxKeys) this.leases.clear();
  }
}
