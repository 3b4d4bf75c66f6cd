import { describe, expect, it } from '@jest/globals';
import { isPhoneRegion, normalizePhone } from './addresses.js';

describe('normalizePhone', () => {
  it('writes valid international numbers in E.164', () => {
    expect(normalizePhone('+14155552671')).toEqual({ ok: true, e164: '+14155552671' });
    expect(normalizePhone(' +44 7911 123456 ')).toEqual({ ok: true, e164: '+447911123456' });
    expect(normalizePhone('+254 (712) 345-678')).toEqual({ ok: true, e164: '+254712345678' });
  });

  it('accepts national formats only with a default region', () => {
    expect(normalizePhone('07911 123456', 'GB')).toEqual({ ok: true, e164: '+447911123456' });
    expect(normalizePhone('07911 123456')).toMatchObject({ ok: false, problem: expect.stringContaining('E.164') });
  });

  it('refuses what is no valid number', () => {
    for (const bad of ['+1555', 'abc', '+4479111234567', '+1 415 555 26710', '', '+', '+999123456789', '12;drop']) {
      expect(normalizePhone(bad)).toMatchObject({ ok: false });
    }
  });

  it('knows the regions it has plans for', () => {
    expect(isPhoneRegion('GB')).toBe(true);
    expect(isPhoneRegion('ZZ')).toBe(false);
    expect(isPhoneRegion('gb')).toBe(false);
  });
});
