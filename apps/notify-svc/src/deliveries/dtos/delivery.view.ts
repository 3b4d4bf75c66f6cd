import { toIsoTimestamp, type IsoDates } from '#common';
import type { DeliveryAttemptRow, DeliveryEventRow, DeliveryRow } from '../deliveries.repository.js';

export interface DeliveryView {
  id: string;
  channel: string;
  status: string;
  statusReason: string | null;
  to: Record<string, string>;
  userId: string | null;
  templateId: string | null;
  templateKey: string | null;
  templateVersion: number | null;
  content: Record<string, string>;
  data: Record<string, unknown> | null;
  category: string | null;
  priority: string;
  sendAt: string | null;
  batchId: string | null;
  attempts: number;
  /** The provider that sent it, is sending it, or may hold it (kept on a retry after a timeout: its retries stay there); null while any may take it. */
  provider: string | null;
  providerMessageId: string | null;
  nextAttemptAt: string | null;
  /** sms: how the text travels (GSM-7 or UCS-2), its characters and the segments it is billed as. */
  sms?: { encoding: string; characters: number; segments: number };
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  bouncedAt: string | null;
  cancelledAt: string | null;
  events?: DeliveryEventRow[];
  /** Every provider attempt: number, provider, outcome, provider message id, duration, error. */
  providerAttempts?: DeliveryAttemptRow[];
}

/** The columns a view shows, and all a list reads: the others (the normalised address, the plan tier) are never answered. */
export const DELIVERY_VIEW_COLUMNS = [
  'id',
  'channel',
  'status',
  'status_reason',
  'recipient',
  'user_id',
  'template_id',
  'template_key',
  'template_version',
  'content',
  'data',
  'category',
  'priority',
  'send_at',
  'batch_id',
  'attempts',
  'provider',
  'provider_message_id',
  'next_attempt_at',
  'sms_encoding',
  'sms_characters',
  'sms_segments',
  'created_by',
  'created_at',
  'updated_at',
  'sent_at',
  'delivered_at',
  'failed_at',
  'bounced_at',
  'cancelled_at',
] as const satisfies ReadonlyArray<keyof DeliveryRow>;

export type DeliveryViewRow = Pick<DeliveryRow, (typeof DELIVERY_VIEW_COLUMNS)[number]>;

type Extras = { events?: DeliveryEventRow[]; attempts_detail?: DeliveryAttemptRow[] };

/** Rows read either way: with Dates (TypeORM, a write's RETURNING) or ISO strings (`Tx.view`, the list). */
export function toDeliveryView(r: (DeliveryViewRow | IsoDates<DeliveryViewRow>) & Extras): DeliveryView {
  return {
    id: r.id,
    channel: r.channel,
    status: r.status,
    statusReason: r.status_reason,
    to: r.recipient,
    userId: r.user_id,
    templateId: r.template_id,
    templateKey: r.template_key,
    templateVersion: r.template_version,
    content: r.content,
    data: r.data,
    category: r.category,
    priority: r.priority,
    sendAt: toIsoTimestamp(r.send_at),
    batchId: r.batch_id,
    attempts: r.attempts,
    provider: r.provider,
    providerMessageId: r.provider_message_id,
    nextAttemptAt: r.status === 'queued' ? toIsoTimestamp(r.next_attempt_at) : null,
    ...(r.sms_segments !== null && r.sms_segments !== undefined
      ? { sms: { encoding: r.sms_encoding ?? 'GSM-7', characters: r.sms_characters ?? 0, segments: r.sms_segments } }
      : {}),
    createdBy: r.created_by,
    createdAt: toIsoTimestamp(r.created_at)!,
    updatedAt: toIsoTimestamp(r.updated_at)!,
    sentAt: toIsoTimestamp(r.sent_at),
    deliveredAt: toIsoTimestamp(r.delivered_at),
    failedAt: toIsoTimestamp(r.failed_at),
    bouncedAt: toIsoTimestamp(r.bounced_at),
    cancelledAt: toIsoTimestamp(r.cancelled_at),
    ...(r.events ? { events: r.events } : {}),
    ...(r.attempts_detail ? { providerAttempts: r.attempts_detail } : {}),
  };
}
