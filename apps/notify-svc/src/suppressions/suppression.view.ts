import { toIsoTimestamp, type IsoDates } from '#common';
import type { SuppressionRow } from './suppressions.repository.js';

export const suppressionView = (r: SuppressionRow | IsoDates<SuppressionRow>) => ({
  id: r.id,
  channel: r.channel,
  address: r.address,
  reason: r.reason,
  userId: r.user_id,
  createdBy: r.created_by,
  createdAt: toIsoTimestamp(r.created_at)!,
});
