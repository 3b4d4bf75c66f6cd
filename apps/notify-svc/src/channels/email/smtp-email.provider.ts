import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider.js';

/** SMTP connections one provider keeps open to its server (nodemailer's pool; each carries one message at a time). */
export const SMTP_POOL_CONNECTIONS = 5;

export interface SmtpOptions {
  url: string;
  from: string;
  timeoutMs?: number;
  /** The provider name in failover lists and attempt rows (default `smtp`; the second server is `smtp-fallback`). */
  name?: string;
}

/**
 * Email over SMTP with nodemailer (pooled connections). The Message-ID is derived from the
 * delivery id, so a message sent again after a crash carries the same id and a receiving system
 * that deduplicates on it keeps one. A text part is always present; HTML when the content has it.
 */
export class SmtpEmailProvider implements ChannelProvider {
  readonly channel = 'email' as const;
  readonly name: string;
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(private readonly opts: SmtpOptions) {
    this.name = opts.name ?? 'smtp';
    const timeout = opts.timeoutMs ?? 15_000;
    // One options object holding the URL: given as createTransport(url, {...}), the second argument is
    // nodemailer's defaults for each *message*, so the pool and the timeouts were ignored (a new TCP and
    // SMTP session per email, and nodemailer's default timeouts of up to 10 minutes).
    this.transport = nodemailer.createTransport({
      url: opts.url,
      pool: true,
      maxConnections: SMTP_POOL_CONNECTIONS,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.domain = /@([^>\s]+)>?\s*$/.exec(opts.from)?.[1] ?? 'localhost';
  }

  messageId(deliveryId: string): string {
    return `<${deliveryId}@${this.domain}>`;
  }

  async send(msg: OutboundMessage): Promise<SendOutcome> {
    const messageId = this.messageId(msg.deliveryId);
    try {
      const info = await this.transport.sendMail({
        from: this.opts.from,
        to: msg.address,
        subject: msg.content['subject'] ?? '',
        text: msg.content['text'] ?? stripTags(msg.content['html'] ?? ''),
        ...(msg.content['html'] ? { html: msg.content['html'] } : {}),
        messageId,
        headers: { 'X-Notify-Delivery-Id': msg.deliveryId },
      });
      if (info.rejected?.length)
        return { kind: 'permanent', code: 'SMTP_REJECTED', error: `recipient refused: ${String(info.response ?? '')}` };
      return { kind: 'sent', providerMessageId: messageId };
    } catch (err) {
      return classify(err as { responseCode?: number; code?: string; message?: string });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * SMTP reply codes: 4xx is "try later", 5xx is final; no reply (connection, timeout) is temporary.
 * A reply means the server did not take the message; no reply is ambiguous (it may have had the
 * whole message when the answer was lost) unless the connection was never made.
 */
function classify(err: { responseCode?: number; code?: string; message?: string }): SendOutcome {
  const error = (err.message ?? String(err)).slice(0, 500);
  if (err.responseCode && err.responseCode >= 500) return { kind: 'permanent', code: `SMTP_${err.responseCode}`, error };
  if (err.responseCode && err.responseCode >= 400) return { kind: 'temporary', code: `SMTP_${err.responseCode}`, error, ambiguous: false };
  const neverConnected = err.code === 'EDNS' || /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/.test(error);
  return { kind: 'temporary', code: err.code ?? 'SMTP_CONNECTION', error, ambiguous: !neverConnected };
}

function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
