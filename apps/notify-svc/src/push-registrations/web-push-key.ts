import { AppException } from '#common';
import type { NotifyConfig } from '../config/notify-config.js';

/** The VAPID public key, or 503 when Web Push is not configured on this service. */
export function vapidPublicKeyOr503(config: NotifyConfig): string {
  const key = config.WEB_PUSH_VAPID_PUBLIC_KEY;
  if (!key || !config.WEB_PUSH_VAPID_PRIVATE_KEY) {
    throw AppException.unavailable('Web Push is not configured on this service (WEB_PUSH_VAPID_PUBLIC_KEY / WEB_PUSH_VAPID_PRIVATE_KEY)');
  }
  return key;
}
