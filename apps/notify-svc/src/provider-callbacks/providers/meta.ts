import { OptOutPolicy } from '../opt-out-policy.js';
import type { ProviderEvent } from '../receipt.js';

/** Cloud API error codes that mean the number cannot receive WhatsApp messages (a hard bounce). */
export const META_PERMANENT_ERRORS = new Set([131026]);

interface MetaError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}
interface MetaValue {
  statuses?: Array<{ id?: string; status?: string; recipient_id?: string; errors?: MetaError[] }>;
  messages?: Array<{ from?: string; type?: string; text?: { body?: string }; button?: { text?: string } }>;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 512;

/**
 * The events of a WhatsApp Cloud API webhook (`object: whatsapp_business_account`,
 * entry[].changes[].value): `statuses[]` of messages we sent (sent, delivered, read, failed with
 * `errors[]`) and `messages[]` users sent us (text that may be STOP / START). Undefined: not that shape.
 */
export function metaEvents(body: unknown): ProviderEvent[] | undefined {
  const root = body as { object?: unknown; entry?: unknown };
  if (!root || typeof root !== 'object' || !Array.isArray(root.entry)) return undefined;
  const events: ProviderEvent[] = [];
  for (const entry of root.entry as Array<{ changes?: unknown }>) {
    if (!entry || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes as Array<{ value?: MetaValue }>) {
      const value = change?.value;
      if (!value || typeof value !== 'object') continue;
      for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
        if (!str(s?.id) || !str(s.status)) continue;
        const status = s.status.toLowerCase();
        const err = Array.isArray(s.errors) ? s.errors[0] : undefined;
        const permanent = typeof err?.code === 'number' && META_PERMANENT_ERRORS.has(err.code);
        const effect =
          status === 'delivered' || status === 'read' ? 'delivered' : status === 'failed' ? (permanent ? 'bounced' : 'failed') : 'none';
        const detail = [err?.title ?? err?.message, err?.error_data?.details].filter(str).join(': ');
        events.push({
          kind: 'status',
          channels: ['whatsapp'],
          providerMessageId: s.id,
          effect,
          providerStatus: status,
          reason:
            effect === 'failed' || effect === 'bounced' ? `meta ${err?.code ?? status}${detail ? `: ${detail}` : ''}`.slice(0, 500) : null,
          suppress: effect === 'bounced',
        });
      }
      for (const m of Array.isArray(value.messages) ? value.messages : []) {
        if (!str(m?.from) || !/^\d{6,15}$/.test(m.from)) continue;
        const text = m.type === 'button' ? m.button?.text : m.text?.body;
        events.push({
          kind: 'inbound',
          channel: 'whatsapp',
          from: `+${m.from}`,
          intent: OptOutPolicy.intent(typeof text === 'string' ? text : undefined),
          keyword: (typeof text === 'string' ? text : '').trim().toUpperCase().slice(0, 20),
        });
      }
    }
  }
  return events;
}
