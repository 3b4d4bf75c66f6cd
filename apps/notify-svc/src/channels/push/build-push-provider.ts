import type { NotifyConfig } from '../../config/notify-config.js';
import { parseServiceAccount } from './fcm-service-account.js';
import { FcmSender } from './fcm.sender.js';
import { PushProvider } from './push.provider.js';
import { WebPushSender } from './web-push.sender.js';

/** The push channel's provider from the configuration: Web Push with a VAPID pair, FCM with a service account. */
export function buildPushProvider(config: NotifyConfig): PushProvider {
  const timeoutMs = config.WEB_PUSH_TIMEOUT * 1000;
  const webPush =
    config.WEB_PUSH_VAPID_PUBLIC_KEY && config.WEB_PUSH_VAPID_PRIVATE_KEY
      ? new WebPushSender({
          publicKey: config.WEB_PUSH_VAPID_PUBLIC_KEY,
          privateKey: config.WEB_PUSH_VAPID_PRIVATE_KEY,
          subject: config.WEB_PUSH_SUBJECT,
          timeoutMs,
          allowPrivate: config.WEB_PUSH_ALLOW_PRIVATE,
        })
      : null;
  const fcm = config.FCM_SERVICE_ACCOUNT
    ? new FcmSender({
        account: parseServiceAccount(config.FCM_SERVICE_ACCOUNT, { projectId: config.FCM_PROJECT_ID, tokenUrl: config.FCM_TOKEN_URL }),
        apiUrl: config.FCM_API_URL,
        timeoutMs,
      })
    : null;
  return new PushProvider({ webPush, fcm, production: config.NODE_ENV === 'production' });
}
