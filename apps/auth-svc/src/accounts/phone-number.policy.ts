import { parsePhoneNumberFromString as parseWith } from 'libphonenumber-js/core';
// The "max" metadata knows which ranges are assigned (the default "min" checks length only). Loaded
// through core rather than 'libphonenumber-js/max', whose relative `*.json.js` imports jest's `.js`
// stripping mapper turns into bare JSON imports.
import metadata from 'libphonenumber-js/metadata.max.json';
import { AppException } from '#common';

const parsePhoneNumberFromString = (text: string) => parseWith(text, metadata);

export interface PhoneFields {
  /** One free-form number, as before the seeds' split form. */
  phone?: string;
  /** Calling code, "+254" or "254". */
  countryCode?: string;
  /** The national number, "712345678" (a trunk prefix such as "0712345678" is understood). */
  phoneNumber?: string;
}

/**
 * The phone a sign-up stores: `countryCode` + `phoneNumber` (NotifyHub's form) become one E.164
 * number, validated against the numbering plan of that calling code. 400 naming the fields for half a pair, a pair that is no
 * number, or a pair beside `phone`.
 */
export function signUpPhone(f: PhoneFields): string | undefined {
  const hasCode = f.countryCode !== undefined;
  const hasNumber = f.phoneNumber !== undefined;
  if (!hasCode && !hasNumber) return f.phone;
  if (hasCode !== hasNumber) {
    const missing = hasCode ? 'phoneNumber' : 'countryCode';
    throw AppException.validation(`Invalid request: ${missing}`, [
      { field: missing, messages: [`${missing} is required with ${hasCode ? 'countryCode' : 'phoneNumber'}`] },
    ]);
  }
  if (f.phone !== undefined) {
    throw AppException.validation('Invalid request: phone', [
      { field: 'phone', messages: ['give phone or countryCode with phoneNumber, not both'] },
    ]);
  }
  const callingCode = f.countryCode!.replace(/^\+/, '');
  const parsed = parsePhoneNumberFromString(`+${callingCode} ${f.phoneNumber}`);
  // A code that is no calling code would let the number's first digits complete it ("+25" + "4712...").
  if (!parsed || parsed.countryCallingCode !== callingCode || !parsed.isValid()) {
    const messages = [`+${callingCode} ${f.phoneNumber} is not a valid phone number`];
    throw AppException.validation('Invalid request: countryCode, phoneNumber', [
      { field: 'countryCode', messages },
      { field: 'phoneNumber', messages },
    ]);
  }
  return parsed.number;
}
