import { describe, expect, it } from '@jest/globals';
import { AppException } from '#common';
import { checkPersonalTokenExpiry } from './personal-token-expiry.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const status = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (err) {
    return (err as AppException).getStatus();
  }
};

describe('personal token expiry', () => {
  it('accepts a date in the future up to the maximum lifetime', () => {
    expect(checkPersonalTokenExpiry('2026-01-02T00:00:00Z', 30, NOW).toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(checkPersonalTokenExpiry('2026-01-31T00:00:00Z', 30, NOW).getTime()).toBe(NOW + 30 * 86_400_000);
  });

  it('refuses the past, now, and beyond the maximum with 422, garbage with 400', () => {
    expect(status(() => checkPersonalTokenExpiry('2025-12-31T23:59:59Z', 30, NOW))).toBe(422);
    expect(status(() => checkPersonalTokenExpiry('2026-01-01T00:00:00Z', 30, NOW))).toBe(422);
    expect(status(() => checkPersonalTokenExpiry('2026-01-31T00:00:01Z', 30, NOW))).toBe(422);
    expect(status(() => checkPersonalTokenExpiry('soon', 30, NOW))).toBe(400);
  });
});
