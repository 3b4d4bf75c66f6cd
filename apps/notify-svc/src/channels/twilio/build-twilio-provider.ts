import { notifyPublicUrl, type NotifyConfig } from '../../config/notify-config.js';
import { tenantGuard } from '../provider-http.js';
import { TwilioProvider, type TwilioAccount } from './twilio.provider.js';

/** Where Twilio posts the status of each message (receipts route): NOTIFY_PUBLIC_URL, else the gateway's public URL. */
export function twilioStatusCallback(config: NotifyConfig): string {
  return `${notifyPublicUrl(config)}/notify/v1/webhooks/twilio`;
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

/** Twilio for one channel (it sends both sms and whatsapp): `accountOnly` unless the platform's account has a sender for it. */
export function buildTwilioProvider(config: NotifyConfig, channel: 'sms' | 'whatsapp'): TwilioProvider {
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
