import { isSupportedCountry, parsePhoneNumberFromString as parseWith, type CountryCode } from 'libphonenumber-js/core';
// The "max" metadata knows which ranges are assigned (the default "min" checks length only). Loaded
// through core rather than 'libphonenumber-js/max', whose relative `*.json.js` imports jest's `.js`
// stripping mapper turns into bare JSON imports (as in auth-svc's phone-number.policy).
import metadata from 'libphonenumber-js/metadata.max.json';

export type PhoneResult = { ok: true; e164: string } | { ok: false; problem: string };

/** Whether `region` is an ISO 3166-1 alpha-2 code libphonenumber has a numbering plan for. */
export function isPhoneRegion(region: string): region is CountryCode {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region as CountryCode, metadata);
}

/**
 * The one rule for a phone number notify-svc sends to (SMS, WhatsApp; contacts later): parsed with
 * libphonenumber's full metadata, valid for its numbering plan (assigned range and length), and
 * written in E.164. An international number (`+…`, spaces, dashes and brackets allowed) always; a
 * national one only with a default region (SMS_DEFAULT_REGION), else it is refused.
 */
export function normalizePhone(raw: string, defaultRegion?: string): PhoneResult {
  const text = raw.trim();
  if (!/^[+\d\s().-]{1,40}$/.test(text) || !/\d/.test(text)) return { ok: false, problem: 'is not a phone number' };
  const international = text.startsWith('+');
  if (!international && !defaultRegion) {
    return { ok: false, problem: 'must be an international number in E.164 format, e.g. +14155552671' };
  }
  const parsed = international ? parseWith(text, metadata) : parseWith(text, { defaultCountry: defaultRegion as CountryCode }, metadata);
  if (!parsed || !parsed.isValid()) return { ok: false, problem: `${text} is not a valid phone number` };
  return { ok: true, e164: parsed.number };
}

/** The one rule for an email address notify-svc stores or matches (deliveries, contacts, suppressions): trimmed, lower-cased. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}
