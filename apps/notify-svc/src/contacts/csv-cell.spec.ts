import { describe, expect, it } from '@jest/globals';
import { neutraliseCell, restoreCell } from './csv-cell.js';

describe('CSV cells (OWASP CSV injection)', () => {
  it.each(['=HYPERLINK("http://x","y")', '+1 415 555 0100', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])('quotes %j on export', (v) => {
    expect(neutraliseCell(v)).toBe(`'${v}`);
  });

  it('leaves other cells alone', () => {
    for (const v of ['Ada', '', "'quoted", '{"a":1}', 'a=b']) expect(neutraliseCell(v)).toBe(v);
  });

  it('round-trips exactly, also a value that starts with a quote before a formula character', () => {
    for (const v of ['=1+1', '+14155550100', "'=1", "''=1", 'plain', "'", '-', '@']) expect(restoreCell(neutraliseCell(v))).toBe(v);
  });
});
