import type { SuppressionRow } from './suppressions.repository.js';

export const suppressionView = (r: SuppressionRow) => ({
  id: r.id,
  channel: r.channel,
  address: r.address,
  reason: r.reason,
  userId: r.user_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
