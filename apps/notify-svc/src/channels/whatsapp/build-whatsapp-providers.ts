import type { NotifyConfig } from '../../config/notify-config.js';
import type { ChannelProvider } from '../channel-provider.js';
import { tenantGuard } from '../provider-http.js';
import { buildTwilioProvider } from '../twilio/build-twilio-provider.js';
import { MetaWhatsAppProvider } from './meta-whatsapp.provider.js';

/** The whatsapp providers, in order: Twilio, then Meta's Cloud API; each `accountOnly` without a platform account. */
export function buildWhatsAppProviders(config: NotifyConfig): ChannelProvider[] {
  const meta =
    config.WHATSAPP_CLOUD_ACCESS_TOKEN && config.WHATSAPP_CLOUD_PHONE_NUMBER_ID
      ? {
          accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN,
          phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
          baseUrl: config.WHATSAPP_CLOUD_API_URL,
        }
      : null;
  return [
    buildTwilioProvider(config, 'whatsapp'),
    new MetaWhatsAppProvider({
      platform: meta,
      apiUrl: config.WHATSAPP_CLOUD_API_URL,
      apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
      timeoutMs: config.SMS_TIMEOUT * 1000,
      tenantGuard: tenantGuard(config),
    }),
  ];
}
