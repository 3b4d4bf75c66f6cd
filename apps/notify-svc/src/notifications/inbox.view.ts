import type { InboxRow } from './inbox.repository.js';

/** An inbox item as the REST routes answer it (the live stream sends a shorter one). */
export const inboxItemView = (r: InboxRow) => ({
  id: r.id,
  deliveryId: r.delivery_id,
  title: r.title,
  body: r.body,
  data: r.data,
  category: r.category,
  read: r.read_at !== null,
  readAt: r.read_at,
  seen: r.seen_at !== null,
  seenAt: r.seen_at,
  archived: r.archived_at !== null,
  archivedAt: r.archived_at,
  createdAt: r.created_at,
});
