import { describe, expect, it } from '@jest/globals';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './json-body.parser.js';

describe('jsonDepthWithin', () => {
  const depth = (s: string) => jsonDepthWithin(Buffer.from(s), MAX_JSON_DEPTH);

  it('measures nesting of arrays and objects', () => {
    expect(depth('1')).toBe(0);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('['.repeat(32) + ']'.repeat(32))).toBe(32);
  });

  it('gives up as soon as the limit is passed', () => {
    expect(depth('['.repeat(33) + ']'.repeat(33))).toBe(-1);
    expect(depth('['.repeat(100_000))).toBe(-1);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depth(JSON.stringify({ a: '[[[[{{{{'.repeat(20), b: 'say \\"[[[["' }))).toBe(1);
  });
});
