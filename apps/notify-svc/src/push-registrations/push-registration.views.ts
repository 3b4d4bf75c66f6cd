import type { PushDevice } from './push-device.entity.js';
import type { PushSubscription } from './push-subscription.entity.js';

/** A device as its user sees it: the token's last 4 characters only. */
export const deviceView = (d: PushDevice) => ({
  id: d.id,
  tokenLast4: d.token_last4,
  platform: d.platform,
  name: d.name,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

/** A subscription as its user sees it: never its endpoint or keys. */
export const pushSubscriptionView = (s: PushSubscription) => ({
  id: s.id,
  endpointOrigin: s.endpoint_origin,
  userAgent: s.user_agent,
  expiresAt: s.expires_at,
  createdAt: s.created_at,
  updatedAt: s.updated_at,
});
