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
  const platform = platformTwilio(config);
  const sender = channel === 'sms' ? platform?.from : platform?.whatsappFrom;
  return new TwilioProvider({
    channel,
    platform,
    apiUrl: config.TWILIO_API_URL,
    accountOnly: !platform || !(sender || platform.messagingServiceSid),
    statusCallback: twilioStatusCallback(config),
    timeoutMs: config.SMS_TIMEOUT * 1000,
    tenantGuard: tenantGuard(config),
  });
}

/**
 * The sms providers: Twilio, always registered (tenants may bring their own account); it is in the
 * channel's failover list only when the platform's account has an SMS sender (else `accountOnly`,
 * and the dev provider takes the platform's sends).
 */
export function buildSmsProviders(config: NotifyConfig): ChannelProvider[] {
  return [twilio(config, 'sms')];
}

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
    twilio(config, 'whatsapp'),
    new MetaWhatsAppProvider({
      platform: meta,
      apiUrl: config.WHATSAPP_CLOUD_API_URL,
      apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
      timeoutMs: config.SMS_TIMEOUT * 1000,
      tenantGuard: tenantGuard(config),
    }),
  ];
}
