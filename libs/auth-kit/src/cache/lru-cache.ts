import { LRUCache } from 'lru-cache';

/**
 * A bounded least-recently-used map with a per-entry expiry the caller sets (an absolute time, so
 * a caller with its own clock, as the API key verifier has, decides what is expired). The bound and
 * the recency order are lru-cache's; an expired entry is never returned and is dropped when read.
 */
export class ExpiringLruCache<V> {
  private readonly entries: LRUCache<string, { value: V; expiresAtMs: number }> | null;

  /** `maxEntries` ≤ 0 turns the cache off: nothing is kept. */
  constructor(maxEntries: number) {
    this.entries = maxEntries > 0 ? new LRUCache({ max: maxEntries }) : null;
  }

  get(key: string, nowMs = Date.now()): V | undefined {
    const e = this.entries?.get(key);
    if (!e) return undefined;
    if (e.expiresAtMs <= nowMs) {
      this.entries!.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, expiresAtMs: number): void {
    this.entries?.set(key, { value, expiresAtMs });
  }

  delete(key: string): void {
    this.entries?.delete(key);
  }

  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
