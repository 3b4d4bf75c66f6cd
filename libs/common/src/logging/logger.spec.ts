import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createLogger, isoTimeOncePerMs, jsonLines, logFormat, sanitizeUrl } from './logger.js';

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

describe('jsonLines', () => {
  it('writes every line whole and in order, multi-byte text included, batched while a write is in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'json-lines-'));
    const dest = jsonLines(openSync(join(dir, 'out.log'), 'w'));
    try {
      const logger = createLogger('spec', 'info', 'json', dest);
      const words = ['plain', 'café', '日本語', 'emoji 🚀', 'x'.repeat(20_000)];
      // One synchronous burst: lines pile up behind the first write and leave together.
      for (let i = 0; i < 3_000; i++) logger.info({ i, word: words[i % words.length] }, 'line');
      await new Promise<void>((resolve, reject) => dest.flush((err) => (err ? reject(err) : resolve())));
      logger.info({ i: 3_000, word: 'last, flushed synchronously as at exit' }, 'line');
      dest.flushSync();
      const lines = readFileSync(join(dir, 'out.log'), 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(3_001);
      lines.forEach((l, i) => {
        const entry = JSON.parse(l) as { i: number; word: string; service: string };
        expect(entry.i).toBe(i);
        expect(entry.word).toBe(i === 3_000 ? 'last, flushed synchronously as at exit' : words[i % words.length]);
        expect(entry.service).toBe('spec');
      });
    } finally {
      // end() closes the file and takes the stream off pino's exit handler.
      await new Promise((closed) => dest.once('close', closed).end());
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
