import type { DeliveryEventRow, DeliveryRow } from '../deliveries.repository.js';

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
  sendAt: Date | null;
  batchId: string | null;
  attempts: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  events?: DeliveryEventRow[];
}

export function toDeliveryView(r: DeliveryRow & { events?: DeliveryEventRow[] }): DeliveryView {
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
    sendAt: r.send_at,
    batchId: r.batch_id,
    attempts: r.attempts,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    cancelledAt: r.cancelled_at,
    ...(r.events ? { events: r.events } : {}),
  };
}
