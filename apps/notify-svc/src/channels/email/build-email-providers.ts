import type { NotifyConfig } from '../../config/notify-config.js';
import { SmtpEmailProvider } from './smtp-email.provider.js';

/** The email providers: SMTP_URL, then SMTP_FALLBACK_URL (named `smtp-fallback`), each when set. */
export function buildEmailProviders(config: NotifyConfig): SmtpEmailProvider[] {
  return [
    ...(config.SMTP_URL ? [new SmtpEmailProvider({ url: config.SMTP_URL, from: config.SMTP_FROM })] : []),
    ...(config.SMTP_FALLBACK_URL
      ? [new SmtpEmailProvider({ url: config.SMTP_FALLBACK_URL, from: config.SMTP_FROM, name: 'smtp-fallback' })]
      : []),
  ];
}
