import { toIsoTimestamp, type IsoDates } from '#common';
import type { InboxRow } from './inbox.repository.js';

/** An inbox item as the REST routes answer it (the live stream sends a shorter one). */
export const inboxItemView = (r: InboxRow | IsoDates<InboxRow>) => ({
  id: r.id,
  deliveryId: r.delivery_id,
  title: r.title,
  body: r.body,
  data: r.data,
  category: r.category,
  read: r.read_at !== null,
  readAt: toIsoTimestamp(r.read_at),
  seen: r.seen_at !== null,
  seenAt: toIsoTimestamp(r.seen_at),
  archived: r.archived_at !== null,
  archivedAt: toIsoTimestamp(r.archived_at),
  createdAt: toIsoTimestamp(r.created_at)!,
});
