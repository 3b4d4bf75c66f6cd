import { describe, expect, it } from '@jest/globals';
import { LockoutPolicy } from './lockout.policy.js';

describe('LockoutPolicy', () => {
  const policy = new LockoutPolicy(60, 3600);

  it('locks for the base delay the first time, doubling with each lockout in a row', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => policy.delaySeconds(n))).toEqual([60, 120, 240, 480, 960, 1920]);
  });

  it('never locks longer than the maximum', () => {
    expect(policy.delaySeconds(6)).toBe(3600);
    expect(policy.delaySeconds(30)).toBe(3600);
    expect(policy.delaySeconds(1000)).toBe(3600);
  });

  it('stops doubling after 30 lockouts (no overflow to Infinity)', () => {
    const unbounded = new LockoutPolicy(1, Number.MAX_VALUE);
    expect(unbounded.delaySeconds(30)).toBe(2 ** 30);
    expect(unbounded.delaySeconds(31)).toBe(2 ** 30);
  });

  it('gives SQL every delay by lockout count, picked with a 1-based index', () => {
    const delays = policy.delaysSeconds();
    expect(delays).toHaveLength(31);
    expect(delays.slice(0, 3)).toEqual([60, 120, 240]);
    expect(delays[30]).toBe(3600);
    expect(LockoutPolicy.delaySql('$4', 'lockout_count')).toBe('($4::float8[])[LEAST(lockout_count, 30) + 1]');
  });
});
