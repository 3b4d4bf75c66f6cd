import { describe, expect, it } from '@jest/globals';
import { smsSegments } from './sms-segments.js';

describe('smsSegments', () => {
  it('counts GSM-7 text in septets: 160 in one segment, 153 per part above', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', characters: 160, units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', characters: 161, units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
    expect(smsSegments('Grüße à Åsa, £5 ¿Ñ?').encoding).toBe('GSM-7');
  });

  it('counts an extension-table character as two septets and never splits its escape pair', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', characters: 80, units: 160, segments: 1 });
    expect(smsSegments('{}[]~|^\\€\f')).toMatchObject({ encoding: 'GSM-7', characters: 10, units: 20 });
    // 306 septets would fit two parts, but after 152 plain septets '€' (2) moves whole to the second part.
    expect(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(152))).toMatchObject({ units: 306, segments: 3 });
    expect(smsSegments('a'.repeat(153) + '€' + 'a'.repeat(151))).toMatchObject({ units: 306, segments: 2 });
    expect(smsSegments('a'.repeat(152) + '€'.repeat(77)).segments).toBe(3); // 152 | 2*76=152 | 2
  });

  it('switches to UCS-2 for any other character: 70 units in one segment, 67 per part, an emoji is 2 units', () => {
    expect(smsSegments('Hello 👋')).toEqual({ encoding: 'UCS-2', characters: 7, units: 8, segments: 1 });
    expect(smsSegments('ж'.repeat(70)).segments).toBe(1);
    expect(smsSegments('ж'.repeat(71)).segments).toBe(2);
    expect(smsSegments('ж'.repeat(134)).segments).toBe(2);
    // 66 units then an emoji (2): the surrogate pair is not split, it opens the second part.
    expect(smsSegments('ж'.repeat(66) + '😀' + 'ж'.repeat(10))).toMatchObject({ units: 78, segments: 2 });
    expect(smsSegments('ç').encoding).toBe('UCS-2'); // lower-case ç is not in the GSM table (only Ç)
  });

  it('an empty body is no segment', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', characters: 0, units: 0, segments: 0 });
  });
});
