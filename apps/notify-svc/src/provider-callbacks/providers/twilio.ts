import { OptOutPolicy } from '../opt-out-policy.js';
import type { ProviderEvent } from '../receipt.js';
import type { FormParams } from '../signatures.js';

/**
 * Twilio error codes that mean the number will never take a message (a hard bounce): the address
 * is suppressed. Every other failure is a `failed` delivery (the next send still tries).
 */
export const TWILIO_PERMANENT_ERRORS: Readonly<Record<string, string>> = {
  '21211': 'Invalid To phone number',
  '21610': 'The recipient replied STOP (unsubscribed)',
  '21614': 'To number is not a valid mobile number',
  '30003': 'Unreachable destination handset',
  '30005': 'Unknown destination handset',
  '30006': 'Landline or unreachable carrier',
  '63024': 'Invalid WhatsApp message recipient',
};

const first = (p: FormParams, name: string): string | undefined => p.get(name)?.[0];

/** E.164 of a Twilio address, and its channel (`whatsapp:+…` is WhatsApp). */
function addressOf(value: string): { channel: 'sms' | 'whatsapp'; phone: string } {
  const v = value.trim();
  return v.toLowerCase().startsWith('whatsapp:') ? { channel: 'whatsapp', phone: v.slice(9).trim() } : { channel: 'sms', phone: v };
}

/**
 * A Twilio Messaging webhook: a status callback (`MessageStatus` of a message we sent) or an
 * inbound message (`Body`, `From`, with Advanced Opt-Out `OptOutType`). Undefined: neither.
 */
export function twilioEvent(p: FormParams): ProviderEvent | undefined {
  const sid = first(p, 'MessageSid') ?? first(p, 'SmsSid');
  const status = (first(p, 'MessageStatus') ?? first(p, 'SmsStatus'))?.toLowerCase();
  if (status && status !== 'received' && sid) {
    const code = first(p, 'ErrorCode')?.trim() || null;
    const message = first(p, 'ErrorMessage')?.trim() || (code ? TWILIO_PERMANENT_ERRORS[code] : undefined);
    const reason = code ? `twilio ${code}${message ? `: ${message}` : ''}` : null;
    const permanent = code !== null && code in TWILIO_PERMANENT_ERRORS;
    const effect =
      status === 'delivered' || status === 'read'
        ? 'delivered'
        : status === 'undelivered' || status === 'failed'
          ? permanent
            ? 'bounced'
            : 'failed'
          : 'none';
    return {
      kind: 'status',
      channels: ['sms', 'whatsapp'],
      providerMessageId: sid,
      effect,
      providerStatus: status,
      reason: reason ?? (effect === 'failed' ? `twilio ${status}` : null),
      suppress: effect === 'bounced',
    };
  }
  const from = first(p, 'From');
  if (from === undefined || (first(p, 'Body') === undefined && first(p, 'OptOutType') === undefined)) return undefined;
  const { channel, phone } = addressOf(from);
  const body = first(p, 'Body') ?? '';
  return {
    kind: 'inbound',
    channel,
    from: phone,
    intent: OptOutPolicy.intent(body, first(p, 'OptOutType')),
    keyword: (first(p, 'OptOutType') ?? body).trim().toUpperCase().slice(0, 20),
  };
}
