import { notifyPublicUrl, type NotifyConfig } from '../../config/notify-config.js';
import type { ChannelProvider } from '../channel-provider.js';
import { guardedLookup } from '../webhook/ssrf-guard.js';
import { MetaWhatsAppProvider } from './meta-whatsapp.provider.js';
import { TwilioProvider, type TwilioAccount } from './twilio.provider.js';

/** Where Twilio posts the status of each message (receipts route): NOTIFY_PUBLIC_URL, else the gateway's public URL. */
export function twilioStatusCallback(config: NotifyConfig): string {
  return `${notifyPublicUrl(config)}/notify/v1/webhooks/twilio`;
}

/** A tenant's own base URL goes through the webhooks' SSRF guard (WEBHOOK_ALLOW_PRIVATE lets tests use loopback). */
function tenantGuard(config: NotifyConfig) {
  const opts = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE };
  return { lookup: guardedLookup(opts), opts };
}

function platformTwilio(config: NotifyConfig): TwilioAccount | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN) return null;
  return {
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    from: config.TWILIO_FROM,
    whatsappFrom: config.TWILIO_WHATSAPP_FROM,
    messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
    baseUrl: config.TWILIO_API_URL,
  };
}

function twilio(config: NotifyConfig, channel: 'sms' | 'whatsapp'): TwilioProvider {
  return new TwilioProvider({
    channel,
    platform: platformTwilio(config),
    statusCallback: twilioStatusCallback(config),
    timeoutMs: config.SMS_TIMEOUT * 1000,
    tenantGuard: tenantGuard(config),
  });
}

/** The sms providers from the configuration, in order: Twilio when its platform account has an SMS sender (none: the dev provider stays). */
export function buildSmsProviders(config: NotifyConfig): ChannelProvider[] {
  const account = platformTwilio(config);
  return account && (account.from || account.messagingServiceSid) ? [twilio(config, 'sms')] : [];
}

/** The whatsapp providers from the configuration, in order: Twilio (with a WhatsApp sender), then Meta's Cloud API, each when configured. */
export function buildWhatsAppProviders(config: NotifyConfig): ChannelProvider[] {
  const list: ChannelProvider[] = [];
  const account = platformTwilio(config);
  if (account && (account.whatsappFrom || account.messagingServiceSid)) list.push(twilio(config, 'whatsapp'));
  if (config.WHATSAPP_CLOUD_ACCESS_TOKEN && config.WHATSAPP_CLOUD_PHONE_NUMBER_ID) {
    list.push(
      new MetaWhatsAppProvider({
        platform: {
          accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN,
          phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
          baseUrl: config.WHATSAPP_CLOUD_API_URL,
        },
        apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
        timeoutMs: config.SMS_TIMEOUT * 1000,
        tenantGuard: tenantGuard(config),
      }),
    );
  }
  return list;
}
