import type { NotifyConfig } from '../../config/notify-config.js';
import type { ChannelProvider } from '../channel-provider.js';
import { buildTwilioProvider } from '../twilio/build-twilio-provider.js';

/**
 * The sms providers: Twilio, always registered (tenants may bring their own account); it is in the
 * channel's failover list only when the platform's account has an SMS sender (else `accountOnly`,
 * and the dev provider takes the platform's sends).
 */
export function buildSmsProviders(config: NotifyConfig): ChannelProvider[] {
  return [buildTwilioProvider(config, 'sms')];
}
