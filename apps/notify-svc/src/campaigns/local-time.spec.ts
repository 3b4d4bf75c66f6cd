import { describe, expect, it } from '@jest/globals';
import { instantOf, nextLocalTime, zoneOffset } from './local-time.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('nextLocalTime (09:00 in the recipient timezone)', () => {
  it('is today when the time has not come yet there, tomorrow when it has', () => {
    const now = at('2026-06-10T05:00:00Z');
    expect(iso(nextLocalTime('09:00', 'UTC', now))).toBe('2026-06-10T09:00:00.000Z');
    // Tokyo (UTC+9) is already at 14:00: tomorrow 09:00 JST = 00:00 UTC.
    expect(iso(nextLocalTime('09:00', 'Asia/Tokyo', now))).toBe('2026-06-11T00:00:00.000Z');
    // New York (EDT, UTC-4) is at 01:00: today 09:00 EDT = 13:00 UTC.
    expect(iso(nextLocalTime('09:00', 'America/New_York', now))).toBe('2026-06-10T13:00:00.000Z');
    // Kolkata, a half-hour offset (UTC+5:30) at 10:30: tomorrow 09:00 IST = 03:30 UTC.
    expect(iso(nextLocalTime('09:00', 'Asia/Kolkata', now))).toBe('2026-06-11T03:30:00.000Z');
  });

  it('follows DST across the change (America/New_York, Europe/Paris)', () => {
    // The night before the US spring-forward (2026-03-08): 09:00 on the 8th is EDT (UTC-4).
    expect(iso(nextLocalTime('09:00', 'America/New_York', at('2026-03-08T03:00:00Z')))).toBe('2026-03-08T13:00:00.000Z');
    // The day before: still EST (UTC-5).
    expect(iso(nextLocalTime('09:00', 'America/New_York', at('2026-03-07T03:00:00Z')))).toBe('2026-03-07T14:00:00.000Z');
    // Europe falls back on 2026-10-25: 09:00 that day is CET (UTC+1), the day before CEST (UTC+2).
    expect(iso(nextLocalTime('09:00', 'Europe/Paris', at('2026-10-25T01:30:00Z')))).toBe('2026-10-25T08:00:00.000Z');
    expect(iso(nextLocalTime('09:00', 'Europe/Paris', at('2026-10-24T01:30:00Z')))).toBe('2026-10-24T07:00:00.000Z');
  });

  it('a skipped wall time lands after the gap; a repeated one is its first occurrence', () => {
    // 02:30 does not exist in New York on 2026-03-08 (02:00 → 03:00): 03:30 EDT = 07:30 UTC.
    expect(iso(instantOf({ y: 2026, mo: 3, d: 8, h: 2, mi: 30, s: 0 }, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 2026-11-01: the first (EDT) is 05:30 UTC.
    expect(iso(instantOf({ y: 2026, mo: 11, d: 1, h: 1, mi: 30, s: 0 }, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('takes seconds and a fixed date, and computes offsets', () => {
    expect(iso(nextLocalTime('09:00:30', 'UTC', at('2026-06-10T09:00:10Z')))).toBe('2026-06-10T09:00:30.000Z');
    expect(iso(nextLocalTime('09:00', 'Asia/Tokyo', at('2026-06-10T05:00:00Z'), '2026-06-10'))).toBe('2026-06-10T00:00:00.000Z');
    expect(zoneOffset(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * 3600_000);
    expect(() => nextLocalTime('9am', 'UTC', 0)).toThrow();
  });
});
