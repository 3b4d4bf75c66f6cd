import { CHANNEL_REGISTRY, type Channel } from '../channel-registry.js';

/**
 * How an SMS body travels: GSM-7 (3GPP TS 23.038 default alphabet, 7-bit septets; the extension
 * table's characters cost an escape plus the character, 2 septets) or, as soon as one character is
 * outside both tables, UCS-2 (UTF-16 code units, an emoji is 2). One segment holds 160 septets /
 * 70 units; a concatenated message loses 7 septets / 3 units per segment to the UDH, so 153 / 67,
 * and a character is never split across two segments (an escape pair or a surrogate pair moves
 * whole to the next one), as handsets and Twilio count them.
 *
 * Hand-written (about 40 lines, pure, no I/O) rather than the npm `sms-segments-calculator`: that
 * package is not installed here and adding one to the lockfile for a table and a loop is not worth
 * a lockfile conflict with the parallel work; swap it in later if it is wanted (same counts).
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Characters as a reader counts them (Unicode code points). */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the body takes. */
  units: number;
  segments: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

export function smsSegments(text: string): SmsSegments {
  const chars = [...text];
  const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  // The cost of each character in this encoding's units.
  const costs = chars.map((c) => (gsm ? (GSM_EXTENSION.has(c) ? 2 : 1) : c.length));
  const units = costs.reduce((a, b) => a + b, 0);
  const { single, part } = LIMITS[encoding];
  if (units === 0) return { encoding, characters: 0, units: 0, segments: 0 };
  if (units <= single) return { encoding, characters: chars.length, units, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > part) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, characters: chars.length, units, segments };
}

/** The sms_* columns a delivery records at accept: the rendered text's encoding, length and segments (channels with `smsSegments`, else nulls). */
export function smsColumns(
  channel: Channel,
  content: Record<string, string>,
): { sms_encoding: SmsEncoding | null; sms_characters: number | null; sms_segments: number | null } {
  if (!CHANNEL_REGISTRY[channel].smsSegments) return { sms_encoding: null, sms_characters: null, sms_segments: null };
  const s = smsSegments(content['text'] ?? '');
  return { sms_encoding: s.encoding, sms_characters: s.characters, sms_segments: s.segments };
}
