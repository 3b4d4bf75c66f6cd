import { describe, expect, it } from '@jest/globals';
import { graphileLogger } from './graphile-logger.js';

describe('graphileLogger', () => {
  const record = () => {
    const lines: Array<[string, unknown]> = [];
    const log = {
      error: (m: unknown) => lines.push(['error', m]),
      warn: (m: unknown) => lines.push(['warn', m]),
      debug: (m: unknown) => lines.push(['debug', m]),
    };
    return { lines, logger: graphileLogger(log) };
  };

  it('keeps errors and warnings, sends the chatter to debug', () => {
    const { lines, logger } = record();
    logger.error('migration failed');
    logger.warn('job 7 failed, retrying');
    logger.info('Worker connected and looking for jobs');
    expect(lines).toEqual([
      ['error', 'migration failed'],
      ['warn', 'job 7 failed, retrying'],
      ['debug', 'Worker connected and looking for jobs'],
    ]);
  });

  it('sends the pool-size advice to debug: the tasks do not use the worker pool', () => {
    const { lines, logger } = record();
    logger.warn('WARNING: having maxPoolSize (10) smaller than concurrency (32) may lead to non-optimal performance.', {
      max: 10,
      concurrency: 32,
    });
    expect(lines).toEqual([['debug', expect.stringContaining('maxPoolSize (10)')]]);
  });
});
