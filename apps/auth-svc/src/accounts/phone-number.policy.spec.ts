import { describe, expect, it } from '@jest/globals';
import { AppException } from '#common';
import { signUpPhone, type PhoneFields } from './phone-number.policy.js';

function refusal(f: PhoneFields): string[] {
  try {
    signUpPhone(f);
  } catch (err) {
    expect(err).toBeInstanceOf(AppException);
    expect((err as AppException).getStatus()).toBe(400);
    return ((err as AppException).details as Array<{ field: string }>).map((d) => d.field);
  }
  throw new Error('not refused');
}

describe('signUpPhone', () => {
  it('combines a calling code and a national number into E.164', () => {
    expect(signUpPhone({ countryCode: '+254', phoneNumber: '712345678' })).toBe('+254712345678');
    expect(signUpPhone({ countryCode: '254', phoneNumber: '0712 345-678' })).toBe('+254712345678');
    expect(signUpPhone({ countryCode: '+1', phoneNumber: '(415) 555-2671' })).toBe('+14155552671');
  });

  it('keeps the free-form phone when no pair is given', () => {
    expect(signUpPhone({ phone: '+44 20 7946 0958' })).toBe('+44 20 7946 0958');
    expect(signUpPhone({})).toBeUndefined();
  });

  it('refuses half a pair, naming the missing field', () => {
    expect(refusal({ countryCode: '+254' })).toEqual(['phoneNumber']);
    expect(refusal({ phoneNumber: '712345678' })).toEqual(['countryCode']);
  });

  it('refuses a pair that is no number, naming both fields', () => {
    expect(refusal({ countryCode: '+254', phoneNumber: '12' })).toEqual(['countryCode', 'phoneNumber']);
    expect(refusal({ countryCode: '+25', phoneNumber: '4712345678' })).toEqual(['countryCode', 'phoneNumber']);
    expect(refusal({ countryCode: '+999', phoneNumber: '712345678' })).toEqual(['countryCode', 'phoneNumber']);
  });

  it('refuses a pair beside phone', () => {
    expect(refusal({ phone: '+254712345678', countryCode: '+254', phoneNumber: '712345678' })).toEqual(['phone']);
  });
});
