import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { isoTimeOncePerMs, logFormat, sanitizeUrl } from './logger.js';

describe('logFormat', () => {
  it('is pretty for a terminal outside production, JSON when piped or in production', () => {
    expect(logFormat({ isTTY: true, nodeEnv: 'development' })).toBe('pretty');
    expect(logFormat({ isTTY: false, nodeEnv: 'development' })).toBe('json');
    expect(logFormat({ isTTY: undefined })).toBe('json');
    expect(logFormat({ isTTY: true, nodeEnv: 'production' })).toBe('json');
  });
});

describe('sanitizeUrl', () => {
  it('masks credentials in the query string', () => {
    expect(sanitizeUrl('/x?token=abc&limit=2')).toBe('/x?token=[REDACTED]&limit=2');
  });
});

describe('isoTimeOncePerMs', () => {
  it("writes pino's isoTime field for the current millisecond, and a later one once the clock moves", async () => {
    const before = Date.now();
    const first = isoTimeOncePerMs();
    const after = Date.now();
    expect(first).toMatch(/^,"time":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/);
    const at = Date.parse(first.slice(9, -1));
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    // The same shape as pino's own function.
    expect(pino.stdTimeFunctions.isoTime().slice(0, 9)).toBe(first.slice(0, 9));
    await sleep(5);
    const later = isoTimeOncePerMs();
    expect(Date.parse(later.slice(9, -1))).toBeGreaterThan(at);
  });
});
