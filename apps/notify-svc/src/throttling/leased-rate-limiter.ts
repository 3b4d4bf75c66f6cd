import type { Rate, RateLimitResult, RateLimitStore } from '#common';

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
    const now = Date.now();
    if (this.tryLocal(key, cost, now)) return { allowed: true, limit: rate.count, remaining: -1, retryAfterSeconds: 0 };
    const prev = this.leases.get(key);
    const busy = prev !== undefined && prev.expiresAtMs > now;
    let size = busy ? prev.size * 2 : 1;
    size = Math.min(size, this.maxLease, Math.max(1, Math.floor((busy ? prev.storeRemaining : 0) / 10)));
    size = Math.max(size, cost);
    const r = await this.store.hit(key, rate, size);
    if (!r.allowed) {
      this.leases.delete(key);
      if (refundOnDeny) await this.store.hit(key, rate, -size);
      return r;
    }
    if (this.leases.size >= this.maxKeys) this.sweep(now);
    this.leases.set(key, { remaining: size - cost, expiresAtMs: now + this.leaseMs, size, storeRemaining: r.remaining });
    return r;
  }

  /** The shared counter's current state, without consuming anything. */
  peek(key: string, rate: Rate): Promise<RateLimitResult> {
    return this.store.hit(key, rate, 0);
  }

  /** Gives back units taken for work that did not happen (a failed send). */
  async refund(key: string, rate: Rate, cost: number): Promise<void> {
    this.leases.delete(key);
    await this.store.hit(key, rate, -cost);
  }

  forget(key: string): void {
    this.leases.delete(key);
  }

  private sweep(now: number): void {
    for (const [k, l] of this.leases) if (l.expiresAtMs <= now) this.leases.delete(k);
    if (this.leases.size >= this.maxKeys) this.leases.clear();
  }
}
