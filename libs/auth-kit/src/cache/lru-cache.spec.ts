import { describe, expect, it } from '@jest/globals';
import { ExpiringLruCache } from './lru-cache.js';

describe('ExpiringLruCache', () => {
  it('evicts the least recently used entry, not the oldest inserted', () => {
    const c = new ExpiringLruCache<number>(2);
    c.set('a', 1, 1_000);
    c.set('b', 2, 1_000);
    expect(c.get('a', 0)).toBe(1); // a is now the most recently used
    c.set('c', 3, 1_000);
    expect(c.get('b', 0)).toBeUndefined();
    expect(c.get('a', 0)).toBe(1);
    expect(c.get('c', 0)).toBe(3);
    expect(c.size).toBe(2);
  });

  it('never returns an entry at or past its expiry, and drops it', () => {
    const c = new ExpiringLruCache<string | null>(10);
    c.set('k', null, 100);
    expect(c.get('k', 99)).toBeNull();
    expect(c.get('k', 100)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keeps nothing when the bound is 0', () => {
    const c = new ExpiringLruCache<number>(0);
    c.set('a', 1, Number.MAX_SAFE_INTEGER);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('delete and clear', () => {
    const c = new ExpiringLruCache<number>(3);
    c.set('a', 1, Number.MAX_SAFE_INTEGER);
    c.set('b', 2, Number.MAX_SAFE_INTEGER);
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
    c.clear();
    expect(c.size).toBe(0);
  });
});
