import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDuration, parseRate, v } from './config-schema.js';

const spec = {
  PORT: v.port('port', { default: '3001' }),
  DB: v.url('database', { protocols: ['postgres'] }),
  TTL: v.duration('ttl', { default: '15m', min: 60 }),
  LIMIT: v.rate('limit', { default: '20/1m' }),
  KEK: v.secret('key', { devDefault: 'dev-key' }),
  FLAG: v.bool('flag', { default: 'false' }),
  KEYS: v.list('keys'),
};

describe('loadConfig', () => {
  it('applies defaults and parses every kind', () => {
    const c = loadConfig(spec, { DB: 'postgres://h/db', KEYS: ' a, b ,,c ' });
    expect(c).toEqual({
      PORT: 3001,
      DB: 'postgres://h/db',
      TTL: 900,
      LIMIT: { count: 20, windowSeconds: 60 },
      KEK: 'dev-key',
      FLAG: false,
      KEYS: ['a', 'b', 'c'],
    });
  });

  it('names every missing or malformed variable at once', () => {
    try {
      loadConfig(spec, { PORT: '70000', TTL: 'soon', LIMIT: '20 per minute', FLAG: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'DB', 'TTL', 'LIMIT', 'FLAG']) expect(problems).toContain(name);
    }
  });

  it('refuses a dev default in production and never prints a secret value', () => {
    expect(() => loadConfig(spec, { NODE_ENV: 'production', DB: 'postgres://h/db' })).toThrow(/KEK: is required in production/);
    const secretSpec = { S: v.secret('s', { min: 32 }) };
    expect(() => loadConfig(secretSpec, { S: 'short-secret-value' })).toThrow(ConfigError);
    try {
      loadConfig(secretSpec, { S: 'short-secret-value' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret-value');
    }
  });

  it('refuses a URL of the wrong protocol and a duration under its minimum', () => {
    expect(() => loadConfig(spec, { DB: 'mysql://h/db' })).toThrow(/DB: must be a postgres URL/);
    expect(() => loadConfig(spec, { DB: 'postgres://h/db', TTL: '30s' })).toThrow(/TTL: must be between 60/);
  });
});

describe('duration and rate syntax', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['24h', 86400],
    ['7d', 604800],
    ['1w', 604800],
  ])('%s is %d seconds', (raw, seconds) => expect(parseDuration(raw)).toBe(seconds));
  it.each(['', 'm', '1.5h', '-1', '10y'])('%s is not a duration', (raw) => expect(parseDuration(raw)).toBeNull());
  it('parses <count>/<window>', () => {
    expect(parseRate('20/1m')).toEqual({ count: 20, windowSeconds: 60 });
    expect(parseRate('5/10s')).toEqual({ count: 5, windowSeconds: 10 });
    expect(parseRate('100/h')).toEqual({ count: 100, windowSeconds: 3600 });
    expect(parseRate('0/1m')).toBeNull();
    expect(parseRate('20')).toBeNull();
  });
});
