import { describe, expect, it } from '@jest/globals';
import { backoffMs } from '../live/live-bus.js';
import { jitteredBackoffMs } from './backoff.js';

describe('jitteredBackoffMs', () => {
  it('doubles from the base, half fixed and half random', () => {
    expect(jitteredBackoffMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(jitteredBackoffMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(jitteredBackoffMs(3, 1000, 60_000, () => 0.5)).toBe(6000);
  });

  it('is capped, and a negative step counts as the first', () => {
    expect(jitteredBackoffMs(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(jitteredBackoffMs(2_000, 1000, 60_000, () => 0)).toBe(30_000);
    expect(jitteredBackoffMs(-1, 1000, 60_000, () => 1)).toBe(1000);
  });

  it("the live bus's reconnect delay stays within half to full of its capped step, rounded", () => {
    for (let i = 0; i < 50; i++) {
      const d = backoffMs(3, 100, 5_000);
      expect(Number.isInteger(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
    expect(backoffMs(100, 100, 5_000)).toBeGreaterThanOrEqual(2_500);
  });
});
