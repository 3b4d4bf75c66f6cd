import { describe, expect, it } from '@jest/globals';
import { logFormat, sanitizeUrl } from './logger.js';

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
